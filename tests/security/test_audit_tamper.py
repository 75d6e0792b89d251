"""The audit trail's hash chain catches every edit a database user could make: a column of an event, its
`detail`, an event deleted (with or without relinking the next one), events swapped; and the hash of an
event is pinned, so that a change to what the hash covers (or how) is a deliberate, reviewed change.

Edits are made with plain SQL, as someone with database access would make them; the chain is checked
with `cfhub audit verify`, the command an operator runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, select, update

from hub.cli import main
from hub.db.engine import make_engine
from hub.db.models import AuditEvent
from hub.services.audit import GENESIS, event_hash

CONTENT = "its content does not match its hash (edited after writing)"
LINK = "its link does not name the previous event's hash"


def verify(url: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify"], env={"CFHUB_DATABASE_URL": url})
    return result.exit_code, result.output


@pytest.fixture
def engine(demo_db_url: str) -> Iterator[Engine]:
    e = make_engine(demo_db_url)
    yield e
    e.dispose()


def event_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_the_demo_chain_is_intact(demo_db_url: str, engine: Engine) -> None:
    code, output = verify(demo_db_url)
    assert code == 0
    assert output.strip() == f"audit chain intact: {len(event_ids(engine))} events"


EDITS: dict[str, Any] = {
    "at": lambda e: e.at + timedelta(seconds=1),
    "actor": lambda e: e.actor + "x",
    "action": lambda e: "delete",
    "record_type": lambda e: "Label",
    "record_iri": lambda e: (e.record_iri or "") + "x",
    "detail": lambda e: {**e.detail, "extra": 1},
}


@pytest.mark.parametrize("column", list(EDITS))
def test_editing_any_covered_column_breaks_the_chain_at_that_event(
    demo_db_url: str, engine: Engine, column: str
) -> None:
    target = event_ids(engine)[7]
    with engine.begin() as conn:
        event = conn.execute(select(AuditEvent).where(AuditEvent.id == target)).one()
        conn.execute(update(AuditEvent).where(AuditEvent.id == target).values({column: EDITS[column](event)}))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {target}: {CONTENT}\n")


def test_editing_one_value_inside_detail_breaks_the_chain(demo_db_url: str, engine: Engine) -> None:
    with engine.connect() as conn:
        target, detail = next(
            (r.id, r.detail)
            for r in conn.execute(select(AuditEvent.id, AuditEvent.detail).order_by(AuditEvent.id))
            if r.detail
        )
    key = sorted(detail)[0]
    changed = {**detail, key: str(detail[key]) + " "}
    with engine.begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.id == target).values(detail=changed))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {target}: {CONTENT}\n")


def test_deleting_an_event_breaks_the_link_of_the_next(demo_db_url: str, engine: Engine) -> None:
    ids = event_ids(engine)
    with engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[3]))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {ids[4]}: {LINK}\n")


def test_deleting_an_event_and_relinking_the_next_breaks_its_hash(demo_db_url: str, engine: Engine) -> None:
    """Whoever deletes an event and points the next one at its predecessor must also recompute the next
    event's hash, and every hash after it: the next event no longer matches its own hash."""
    ids = event_ids(engine)
    with engine.begin() as conn:
        removed = conn.execute(select(AuditEvent).where(AuditEvent.id == ids[3])).one()
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[3]))
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[4]).values(prev_hash=removed.prev_hash))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {ids[4]}: {CONTENT}\n")


def test_deleting_the_first_event_is_caught(demo_db_url: str, engine: Engine) -> None:
    ids = event_ids(engine)
    with engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[0]))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {ids[1]}: {LINK}\n")


def test_the_first_event_must_start_from_genesis(demo_db_url: str, engine: Engine) -> None:
    """An event rehashed over a made-up predecessor does not pass as the start of the chain."""
    ids = event_ids(engine)
    with engine.begin() as conn:
        first = conn.execute(select(AuditEvent).where(AuditEvent.id == ids[0])).one()
        fake_prev = "f" * 64
        at = first.at if first.at.tzinfo else first.at.replace(tzinfo=UTC)
        covered = (first.actor, first.action, first.record_type, first.record_iri, first.detail)
        rehashed = event_hash(fake_prev, at, *covered)
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[0]).values(prev_hash=fake_prev, hash=rehashed))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {ids[0]}: {LINK}\n")


def test_swapping_two_events_contents_is_caught(demo_db_url: str, engine: Engine) -> None:
    ids = event_ids(engine)
    columns = ("at", "actor", "action", "record_type", "record_iri", "detail", "prev_hash", "hash")
    with engine.begin() as conn:
        a, b = (conn.execute(select(AuditEvent).where(AuditEvent.id == i)).one() for i in (ids[5], ids[6]))
        # unique links: park one row's hashes first
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[5]).values(prev_hash="p", hash="h"))
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[6]).values({c: getattr(a, c) for c in columns}))
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[5]).values({c: getattr(b, c) for c in columns}))
    assert verify(demo_db_url) == (1, f"audit chain broken at event {ids[5]}: {LINK}\n")


# -- the hash itself, pinned ---------------------------------------------------------------------------

KNOWN_EVENT: dict[str, Any] = {
    "prev_hash": GENESIS,
    "at": datetime(2026, 3, 1, 16, 30, 5, tzinfo=timezone(timedelta(hours=8))),
    "actor": "https://zj.cfhub.example.org/id/org/zj-regulator",
    "action": "publish",
    "record_type": "Footprint",
    "record_iri": "https://zj.cfhub.example.org/id/footprint/f1",
    "detail": {"from": "verified", "to": "published", "note": "碳足迹", "n": 2},
}
KNOWN_HASH = "45e611c8ba8a66deb66d232faa75a2460c086155347623d8bf65895f7ba4db19"


def test_the_hash_of_a_known_event_is_pinned() -> None:
    assert event_hash(*KNOWN_EVENT.values()) == KNOWN_HASH


def test_the_pinned_hash_is_sha256_of_the_documented_canonical_form() -> None:
    """SHA-256 of the compact JSON array [prev, at in UTC ISO 8601, actor, action, type, iri, detail],
    keys sorted, UTF-8 unescaped: what an auditor re-implements to check the chain without cfhub."""
    e = KNOWN_EVENT
    body = (
        f'["{e["prev_hash"]}","2026-03-01T08:30:05+00:00","{e["actor"]}","publish","Footprint",'
        f'"{e["record_iri"]}",{{"from":"verified","n":2,"note":"碳足迹","to":"published"}}]'
    )
    assert json.loads(body)[6] == e["detail"]
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == KNOWN_HASH


@pytest.mark.parametrize("field", [k for k in KNOWN_EVENT if k != "prev_hash"] + ["prev_hash"])
def test_every_input_changes_the_hash(field: str) -> None:
    changed = {
        "prev_hash": "1" * 64,
        "at": KNOWN_EVENT["at"] + timedelta(seconds=1),
        "actor": "someone",
        "action": "withdraw",
        "record_type": "Label",
        "record_iri": None,
        "detail": {**KNOWN_EVENT["detail"], "n": 3},
    }[field]
    assert event_hash(*{**KNOWN_EVENT, field: changed}.values()) != KNOWN_HASH


def test_the_same_instant_in_another_zone_hashes_the_same() -> None:
    utc = {**KNOWN_EVENT, "at": KNOWN_EVENT["at"].astimezone(UTC)}
    assert event_hash(*utc.values()) == KNOWN_HASH


def test_values_json_cannot_hold_are_hashed_as_their_text() -> None:
    """A date in `detail` (a reference period, a validity) is hashed as its ISO text, not refused."""
    from datetime import date

    as_date = {**KNOWN_EVENT, "detail": {"valid_until": date(2027, 12, 31)}}
    as_text = {**KNOWN_EVENT, "detail": {"valid_until": "2027-12-31"}}
    assert event_hash(*as_date.values()) == event_hash(*as_text.values())


def test_the_hash_does_not_depend_on_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert event_hash(*KNOWN_EVENT.values()) == KNOWN_HASH
    finally:
        monkeypatch.undo()
        time.tzset()

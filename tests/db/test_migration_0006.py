"""Migration 0006 on a database with data: versions renumbered along supersedes chains, later duplicate labels
in force revoked, and no row of any other table lost (SQLite copies the footprint table to change its
constraints; its foreign keys must not cascade while it does). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, insert, select, update

from hub.db import migrate
from hub.db.engine import make_engine
from hub.db.models import Decision, Footprint, FootprintStage, InventoryLine, Label


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: int(conn.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Footprint, FootprintStage, InventoryLine, Decision)
        }


def _label(footprint_id: int, n: int, status: str) -> dict[str, object]:
    return {
        "iri": f"urn:test:label:{n}",
        "footprint_id": footprint_id,
        "scheme": "ZJ-PCF",
        "grade": "A",
        "score": 1.0,
        "decided_by_ruleset": "r",
        "decided_by_ruleset_version": "1",
        "serial": f"S-{n}",
        "issued_on": date(2025, 1, 1),
        "expires_on": date(2028, 1, 1),
        "status": status,
        "created_at": datetime.now(UTC),
        "created_by": "urn:test",
        "source": "direct",
    }


def test_upgrade_renumbers_chains_revokes_duplicates_and_keeps_every_row(demo_db_url: str) -> None:
    migrate.downgrade(demo_db_url, "0005")
    engine = make_engine(demo_db_url)
    try:
        with engine.begin() as conn:
            a, b, c, d = conn.scalars(select(Footprint.id).order_by(Footprint.id).limit(4)).all()
            conn.execute(update(Footprint).where(Footprint.id == b).values(supersedes_id=a))
            conn.execute(update(Footprint).where(Footprint.id == c).values(supersedes_id=b))
            statuses = ["issued", "suspended", "revoked", "issued"]
            conn.execute(insert(Label), [_label(a, n, status) for n, status in enumerate(statuses)])
            conn.execute(insert(Label), [_label(d, 9, "issued")])
        before = _counts(engine)

        migrate.upgrade(demo_db_url)

        assert _counts(engine) == before
        with engine.connect() as conn:
            versions = dict(conn.execute(select(Footprint.id, Footprint.version)).all())
            labels = conn.execute(select(Label.footprint_id, Label.serial, Label.status).order_by(Label.id)).all()
        assert (versions[a], versions[b], versions[c], versions[d]) == (1, 2, 3, 1)
        assert set(versions.values()) == {1, 2, 3}
        assert [(f, s, str(st)) for f, s, st in labels if s.startswith("S-")] == [
            (a, "S-0", "issued"),
            (a, "S-1", "revoked"),
            (a, "S-2", "revoked"),
            (a, "S-3", "revoked"),
            (d, "S-9", "issued"),
        ]
        assert migrate.differences(demo_db_url) == []
    finally:
        engine.dispose()


def test_upgrade_refuses_a_footprint_superseded_twice_and_says_how_to_fix_it(demo_db_url: str) -> None:
    migrate.downgrade(demo_db_url, "0005")
    engine = make_engine(demo_db_url)
    try:
        with engine.begin() as conn:
            a, b, c = conn.scalars(select(Footprint.id).order_by(Footprint.id).limit(3)).all()
            conn.execute(update(Footprint).where(Footprint.id.in_([b, c])).values(supersedes_id=a))
        before = _counts(engine)
        with pytest.raises(RuntimeError, match=rf"ids \[{a}\] are superseded by more than one footprint"):
            migrate.upgrade(demo_db_url)
        assert _counts(engine) == before
        assert migrate.current(demo_db_url) == "0005"
    finally:
        engine.dispose()

"""Migration 0012 both ways on a database with labels (SQLite and PostgreSQL): down, the labels the old table can
hold stay (issued, suspended, revoked; expired and superseded become revoked, labels never issued go); up again,
every existing label keeps its row and gets its history from the audit trail, with days and reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, insert, select, text

from hub.db import migrate
from hub.db.engine import make_engine
from hub.db.models import AuditEvent, Footprint, Label, LabelEvent


def _old_label(footprint_id: int) -> dict[str, object]:
    return {
        "iri": "https://zj.example/id/label/old-1",
        "footprint_id": footprint_id,
        "scheme": "OLD",
        "grade": "B",
        "score": 2.0,
        "decided_by_ruleset": "r",
        "decided_by_ruleset_version": "1",
        "serial": "ZJ-PCF-2025-OLD",
        "issued_on": date(2025, 1, 1),
        "expires_on": date(2028, 1, 1),
        "status": "issued",
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
        "created_by": "urn:regulator",
        "source": "direct",
    }


def _trail(n: int, action: str, at: datetime, detail: dict[str, str]) -> dict[str, object]:
    return {
        "at": at,
        "actor": "urn:regulator",
        "action": action,
        "record_type": "Label",
        "record_iri": "https://zj.example/id/label/old-1",
        "detail": detail,
        "prev_hash": f"old-prev-{n}",
        "hash": f"old-hash-{n}",
    }


def _statuses(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(str(s) for s in conn.scalars(text("SELECT status FROM label")))


def test_down_and_up_again_keeps_every_issued_label_and_rebuilds_its_history(demo_db_url: str) -> None:
    engine = make_engine(demo_db_url)
    try:
        with engine.connect() as conn:
            issued_before = conn.scalar(select(func.count()).select_from(Label).where(Label.serial.is_not(None)))
        migrate.downgrade(demo_db_url, "0006")
        # the demo's labels once issued stay; its expired one is revoked, as the old table knew no other end
        assert len(_statuses(engine)) == issued_before
        assert _statuses(engine) == ["issued", "issued", "revoked", "revoked", "suspended"]
        with engine.begin() as conn:
            footprint = conn.scalar(select(Footprint.id).order_by(Footprint.id).limit(1))
            conn.execute(insert(Label.__table__).values(_old_label(footprint)))  # the old columns only
            conn.execute(
                insert(AuditEvent),
                [
                    _trail(
                        1,
                        "status:suspended",
                        datetime(2025, 6, 1, 9, tzinfo=UTC),
                        {"from": "issued", "reason": "Audit."},
                    ),
                    _trail(
                        2,
                        "status:issued",
                        datetime(2025, 7, 1, 9, tzinfo=UTC),
                        {"from": "suspended", "reason": "Closed."},
                    ),
                ],
            )

        migrate.upgrade(demo_db_url)

        assert migrate.differences(demo_db_url) == []
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Label)) == issued_before + 1
            old = conn.execute(select(Label.id, Label.status_on, Label.revision).where(Label.scheme == "OLD")).one()
            history = conn.execute(
                select(LabelEvent.step, LabelEvent.from_status, LabelEvent.to_status, LabelEvent.on, LabelEvent.reason)
                .where(LabelEvent.label_id == old.id)
                .order_by(LabelEvent.id)
            ).all()
            labels_with_history = conn.scalar(select(func.count(func.distinct(LabelEvent.label_id))))
        assert [tuple(h) for h in history] == [
            ("issue", None, "issued", date(2025, 1, 1), None),
            ("suspend", "issued", "suspended", date(2025, 6, 1), "Audit."),
            ("reinstate", "suspended", "issued", date(2025, 7, 1), "Closed."),
        ]
        assert (old.status_on, old.revision) == (date(2025, 7, 1), 2)
        assert labels_with_history == issued_before + 1, "every existing label has a history"
    finally:
        engine.dispose()

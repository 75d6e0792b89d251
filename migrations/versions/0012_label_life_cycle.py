"""the carbon label's whole life: application, certification, filing, issue, supervision, and its history

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 11:20:00

- `label` gains the steps before issue (applicant's certification body, certification statement, filing number
  and their days), the supervision facts (next re-check, the day and reason of the last step), the decision its
  grade came from, and `revision`, the compare-and-set token of every step. `serial`, `issued_on` and
  `expires_on` are empty until a label is issued.
- The label in force per footprint and scheme is now any of applied, certified, filed, issued, suspended.
- `label_event`: a label's history. Existing labels get theirs from the audit trail: their issue, then each
  suspension, reinstatement and revocation the trail recorded, with its day and reason.

Downgrade: labels never issued (applied, certified, refused, filed) have no place in the old table and are
deleted; expired and superseded labels become revoked (the old table knew no other end).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_label_footprint_scheme_in_force"
OLD_IN_FORCE = sa.text("status != 'revoked'")
NEW_IN_FORCE = sa.text("status IN ('applied', 'certified', 'filed', 'issued', 'suspended')")
# The audit trail's label actions before this revision, as steps of the machine.
STEP_OF_STATUS = {"suspended": "suspend", "revoked": "revoke", "issued": "reinstate"}

_label = sa.table(
    "label",
    sa.column("id", sa.Integer),
    sa.column("iri", sa.String),
    sa.column("status", sa.String),
    sa.column("issued_on", sa.Date),
    sa.column("status_on", sa.Date),
    sa.column("revision", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.String),
)
_audit = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("record_iri", sa.String),
    sa.column("detail", sa.JSON),
)


def upgrade() -> None:
    op.drop_index(INDEX, table_name="label")
    with op.batch_alter_table("label", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("certifier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("applied_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("certified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("certification_statement", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("filing_number", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("filed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_recheck_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("status_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.alter_column("serial", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("issued_on", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("expires_on", existing_type=sa.Date(), nullable=True)
        batch_op.create_unique_constraint("uq_label_filing_number", ["filing_number"])
        batch_op.create_foreign_key("fk_label_decision_id_decision", "decision", ["decision_id"], ["id"])
        batch_op.create_foreign_key("fk_label_certifier_id_organization", "organization", ["certifier_id"], ["id"])
        batch_op.create_index("ix_label_certifier_id", ["certifier_id"], unique=False)
    op.create_index(
        INDEX,
        "label",
        ["footprint_id", "scheme"],
        unique=True,
        sqlite_where=NEW_IN_FORCE,
        postgresql_where=NEW_IN_FORCE,
    )
    op.create_table(
        "label_event",
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=255), nullable=True),
        sa.Column("mapping_iri", sa.String(length=255), nullable=True),
        sa.Column("mapping_version", sa.String(length=32), nullable=True),
        sa.Column("ruleset_id", sa.String(length=128), nullable=True),
        sa.Column("ruleset_version", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name=op.f("fk_label_event_label_id_label"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_event")),
        sa.UniqueConstraint("iri", name=op.f("uq_label_event_iri")),
    )
    op.create_index(op.f("ix_label_event_label_id"), "label_event", ["label_id"], unique=False)
    _history_from_the_audit_trail()


def _history_from_the_audit_trail() -> None:
    """Each existing label's issue, then every status change the audit trail recorded for it, as its history;
    `status_on` is the day of the last of them."""
    bind = op.get_bind()
    events: list[dict[str, Any]] = []
    for label in bind.execute(sa.select(_label).order_by(_label.c.id)).mappings():
        issued_on: date = label["issued_on"]
        events.append(_event(label, 0, "issue", None, "issued", issued_on, None, label["created_by"]))
        last, n = issued_on, 0
        changes = bind.execute(
            sa.select(_audit)
            .where(_audit.c.record_iri == label["iri"], _audit.c.action.like("status:%"))
            .order_by(_audit.c.id)
        ).mappings()
        for n, change in enumerate(changes, start=1):
            to = change["action"].removeprefix("status:")
            detail = change["detail"] or {}
            at: datetime = change["at"]
            last = at.date()
            step = STEP_OF_STATUS.get(to, to)
            events.append(_event(label, n, step, detail.get("from"), to, last, detail.get("reason"), change["actor"]))
        bind.execute(sa.update(_label).where(_label.c.id == label["id"]).values(status_on=last, revision=n))
    if events:
        op.bulk_insert(_event_table(), events)


def _event(
    label: Any, n: int, step: str, before: str | None, to: str, on: date, reason: str | None, actor: str
) -> dict[str, Any]:
    return {
        # <base>label/<uuid> -> <base>label-event/<uuid>-<n>: the kind's own segment, so node(id:) finds it
        "iri": _event_iri(label["iri"], n),
        "label_id": label["id"],
        "step": step,
        "from_status": before,
        "to_status": to,
        "on": on,
        "reason": reason,
        "detail": {"from": "audit trail, migration 0012"},
        "created_at": datetime.now(UTC),
        "created_by": actor,
        "source": "system",
    }


def _event_iri(label_iri: str, n: int) -> str:
    base, _, key = label_iri.rpartition("label/")
    return f"{base}label-event/{key}-{n}"


def _event_table() -> sa.TableClause:
    return sa.table(
        "label_event",
        *(
            sa.column(name, kind)
            for name, kind in [
                ("iri", sa.String),
                ("label_id", sa.Integer),
                ("step", sa.String),
                ("from_status", sa.String),
                ("to_status", sa.String),
                ("on", sa.Date),
                ("reason", sa.Text),
                ("detail", sa.JSON),
                ("created_at", sa.DateTime(timezone=True)),
                ("created_by", sa.String),
                ("source", sa.String),
            ]
        ),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_label_event_label_id"), table_name="label_event")
    op.drop_table("label_event")
    op.execute("DELETE FROM label WHERE serial IS NULL")
    op.execute("UPDATE label SET status = 'revoked' WHERE status IN ('expired', 'superseded')")
    op.drop_index(INDEX, table_name="label")
    with op.batch_alter_table("label", schema=None) as batch_op:
        batch_op.drop_index("ix_label_certifier_id")
        batch_op.drop_constraint("fk_label_certifier_id_organization", type_="foreignkey")
        batch_op.drop_constraint("fk_label_decision_id_decision", type_="foreignkey")
        batch_op.drop_constraint("uq_label_filing_number", type_="unique")
        batch_op.alter_column("expires_on", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("issued_on", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("serial", existing_type=sa.String(length=64), nullable=False)
        for column in (
            "revision",
            "status_reason",
            "status_on",
            "next_recheck_on",
            "filed_on",
            "filing_number",
            "certification_statement",
            "certified_on",
            "applied_on",
            "certifier_id",
            "decision_id",
        ):
            batch_op.drop_column(column)
    op.create_index(
        INDEX,
        "label",
        ["footprint_id", "scheme"],
        unique=True,
        sqlite_where=OLD_IN_FORCE,
        postgresql_where=OLD_IN_FORCE,
    )

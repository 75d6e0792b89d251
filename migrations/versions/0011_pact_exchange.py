"""PACT exchange: partners, the persisted outbox of events, requests, and pulled supplier footprints' provenance

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-27 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pact_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(length=255), nullable=False),
        sa.Column("token_url", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret", sa.String(length=255), nullable=False),
        sa.Column("organization_iri", sa.String(length=255), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_partner")),
        sa.UniqueConstraint("name", name=op.f("uq_pact_partner_name")),
        sa.UniqueConstraint("organization_iri", name=op.f("uq_pact_partner_organization_iri")),
    )
    op.create_table(
        "pact_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=96), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.CheckConstraint(
            "status in ('pending', 'sending', 'delivered', 'abandoned')", name=op.f("ck_pact_outbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["pact_partner.id"], name=op.f("fk_pact_outbox_partner_id_pact_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_pact_outbox_event_id")),
    )
    op.create_index("ix_pact_outbox_due", "pact_outbox", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_pact_outbox_partner_id"), "pact_outbox", ["partner_id"])
    op.create_table(
        "pact_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("footprint_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("answered_at", TZ, nullable=True),
        sa.CheckConstraint("direction in ('received', 'sent')", name=op.f("ck_pact_request_direction")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["pact_partner.id"], name=op.f("fk_pact_request_partner_id_pact_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_request")),
        sa.UniqueConstraint("partner_id", "direction", "event_id", name="uq_pact_request_partner_id"),
    )
    op.create_index(op.f("ix_pact_request_partner_id"), "pact_request", ["partner_id"])
    op.create_table(
        "pact_supplier_footprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("footprint_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pact_id", sa.String(length=64), nullable=False),
        sa.Column("preceding_pact_ids", sa.JSON(), nullable=False),
        sa.Column("pact_status", sa.String(length=16), nullable=False),
        sa.Column("pact_created", sa.String(length=40), nullable=False),
        sa.Column("emission_factor_sources", sa.JSON(), nullable=False),
        sa.Column("fetched_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["footprint_id"],
            ["footprint.id"],
            name=op.f("fk_pact_supplier_footprint_footprint_id_footprint"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_supplier_footprint")),
        sa.UniqueConstraint("footprint_id", name=op.f("uq_pact_supplier_footprint_footprint_id")),
        sa.UniqueConstraint("host", "pact_id", name="uq_pact_supplier_footprint_host"),
    )


def downgrade() -> None:
    op.drop_table("pact_supplier_footprint")
    op.drop_index(op.f("ix_pact_request_partner_id"), table_name="pact_request")
    op.drop_table("pact_request")
    op.drop_index(op.f("ix_pact_outbox_partner_id"), table_name="pact_outbox")
    op.drop_index("ix_pact_outbox_due", table_name="pact_outbox")
    op.drop_table("pact_outbox")
    op.drop_table("pact_partner")

"""partner labels: labels issued by partner hubs, received through exchange, with their credential, the
origin's status lists as received and this hub's recognition decision (issue 13 item 5)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-27 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGION = sa.Enum("ZJ", "YRD", "GBA", "INTL", name="region", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "partner_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=255), nullable=False),
        sa.Column("origin_did", sa.String(length=255), nullable=False),
        sa.Column("origin_region", REGION, nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("footprint_iri", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("scheme", sa.String(length=64), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("status_lists", sa.JSON(), nullable=False),
        sa.Column("status_as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verification", sa.JSON(), nullable=False),
        sa.Column("recognition", sa.JSON(), nullable=False),
        sa.Column("bundle_iri", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_label")),
        sa.UniqueConstraint("iri", name=op.f("uq_partner_label_iri")),
        sa.UniqueConstraint("origin_did", "serial", name="uq_partner_label_origin_did_serial"),
    )
    op.create_index(op.f("ix_partner_label_serial"), "partner_label", ["serial"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_partner_label_serial"), table_name="partner_label")
    op.drop_table("partner_label")

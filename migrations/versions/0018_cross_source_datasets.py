"""cross-source datasets: a dataset's publisher and licence, and the rows of imported source files

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dataset") as batch:
        batch.add_column(sa.Column("publisher", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("licence", sa.String(length=200), nullable=True))
    op.create_table(
        "source_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Float(precision=53), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("verifier", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_source_record_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_source_record_org_id_organization"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
    )
    op.create_index(op.f("ix_source_record_dataset_id"), "source_record", ["dataset_id"], unique=False)
    op.create_index("ix_source_record_org_period", "source_record", ["org_id", "period_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_source_record_org_period", table_name="source_record")
    op.drop_index(op.f("ix_source_record_dataset_id"), table_name="source_record")
    op.drop_table("source_record")
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("licence")
        batch.drop_column("publisher")

"""quality results: each footprint's data-quality findings (rulesets/quality), per check

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_result",
        sa.Column("footprint_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column(
            "source",
            sa.Enum("direct", "import", "demo", "system", name="sourcekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("source_ref", sa.String(length=255), nullable=True),
        sa.Column("mapping_iri", sa.String(length=255), nullable=True),
        sa.Column("mapping_version", sa.String(length=32), nullable=True),
        sa.Column("ruleset_id", sa.String(length=128), nullable=True),
        sa.Column("ruleset_version", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["footprint_id"], ["footprint.id"], name=op.f("fk_quality_result_footprint_id_footprint"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_result")),
        sa.UniqueConstraint("iri", name=op.f("uq_quality_result_iri")),
    )
    op.create_index("ix_quality_result_footprint", "quality_result", ["footprint_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quality_result_footprint", table_name="quality_result")
    op.drop_table("quality_result")

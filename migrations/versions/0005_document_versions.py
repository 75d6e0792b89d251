"""document versions: rule sets and mappings drafted, tested and published through the API

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 08:53:09.637285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_version",
        sa.Column(
            "kind",
            sa.Enum("ruleset", "mapping", name="documentkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("document_id", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "tested", "published", "retired", name="documentstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("tests", sa.Text(), nullable=True),
        sa.Column("test_report", sa.JSON(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
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
            ["supersedes_id"],
            ["document_version.id"],
            name=op.f("fk_document_version_supersedes_id_document_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("iri", name=op.f("uq_document_version_iri")),
        sa.UniqueConstraint("kind", "document_id", "version", name="uq_document_version_kind_document_version"),
    )
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_version_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_version_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_version_status"))
        batch_op.drop_index(batch_op.f("ix_document_version_document_id"))
    op.drop_table("document_version")

"""peers (partner hubs) and imported records (what they sent us in signed bundles)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 11:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGION = sa.Enum("ZJ", "YRD", "GBA", "INTL", name="region", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "peer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("base_url", sa.String(length=255), nullable=False),
        sa.Column("did", sa.String(length=255), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("read_by", sa.JSON(), nullable=False),
        sa.Column("onward_transfer", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["sharing_agreement.id"], name=op.f("fk_peer_agreement_id_sharing_agreement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer")),
        sa.UniqueConstraint("did", name=op.f("uq_peer_did")),
        sa.UniqueConstraint("region", name=op.f("uq_peer_region")),
    )
    with op.batch_alter_table("peer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peer_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "imported_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_hub", sa.String(length=255), nullable=False),
        sa.Column("source_region", REGION, nullable=False),
        sa.Column("bundle_iri", sa.String(length=255), nullable=False),
        sa.Column("bundle_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mapping_iri", sa.String(length=255), nullable=True),
        sa.Column("mapping_version", sa.String(length=32), nullable=True),
        sa.Column("rulesets", sa.JSON(), nullable=False),
        sa.Column("usage_policy", sa.JSON(), nullable=False),
        sa.Column("read_by", sa.String(length=255), nullable=False),
        sa.Column("onward_transfer", sa.Boolean(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("supersedes_iri", sa.String(length=255), nullable=True),
        sa.Column("superseded_by_iri", sa.String(length=255), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_record")),
        sa.UniqueConstraint("iri", name=op.f("uq_imported_record_iri")),
    )
    with op.batch_alter_table("imported_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_record_source_hub"), ["source_hub"], unique=False)
        batch_op.create_index(batch_op.f("ix_imported_record_supersedes_iri"), ["supersedes_iri"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("imported_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_record_supersedes_iri"))
        batch_op.drop_index(batch_op.f("ix_imported_record_source_hub"))
    op.drop_table("imported_record")
    with op.batch_alter_table("peer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peer_agreement_id"))
    op.drop_table("peer")

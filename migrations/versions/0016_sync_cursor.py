"""sync cursors: how far this hub has applied each peer's changes (incremental sync)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("bundle_iri", sa.String(length=255), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["peer_id"], ["peer.id"], name=op.f("fk_sync_cursor_peer_id_peer"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_cursor")),
        sa.UniqueConstraint("peer_id", name=op.f("uq_sync_cursor_peer_id")),
    )


def downgrade() -> None:
    op.drop_table("sync_cursor")

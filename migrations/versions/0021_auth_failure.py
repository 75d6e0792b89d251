"""auth failures in the database: the /oauth/token throttle counts the same failures on every worker

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-27 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failure")),
    )
    op.create_index("ix_auth_failure_window", "auth_failure", ["kind", "key_digest", "at"])


def downgrade() -> None:
    op.drop_index("ix_auth_failure_window", table_name="auth_failure")
    op.drop_table("auth_failure")

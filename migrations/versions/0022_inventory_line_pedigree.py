"""inventory lines: the enterprise's own pedigree scores (optional), preferred to the matrix's in the computed DQR

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-27 15:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_line") as batch:
        batch.add_column(sa.Column("pedigree", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inventory_line") as batch:
        batch.drop_column("pedigree")

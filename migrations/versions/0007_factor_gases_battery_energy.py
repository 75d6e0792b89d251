"""which gases an emission factor covers; a battery footprint's capacity and lifetime energy

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:10:00

Issue 10: a factor says whether it covers CO2 only or every greenhouse gas (CO2e), so that a CO2-only factor is
never used as CO2e; a battery footprint records its rated capacity and expected lifetime energy throughput, so
that the EU figure (per kWh of energy delivered over the service life) can be derived. Existing factors keep
NULL ("not recorded").
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+ has both): no table copy, so footprint rows referenced by
# other tables are never rebuilt under their foreign keys.


def upgrade() -> None:
    op.add_column("emission_factor", sa.Column("gases_covered", sa.String(length=8), nullable=True))
    op.add_column("footprint", sa.Column("battery_capacity_kwh", sa.Float(), nullable=True))
    op.add_column("footprint", sa.Column("battery_lifetime_energy_kwh", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("footprint", "battery_lifetime_energy_kwh")
    op.drop_column("footprint", "battery_capacity_kwh")
    op.drop_column("emission_factor", "gases_covered")

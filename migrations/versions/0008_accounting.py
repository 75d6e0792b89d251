"""accounting: factor parts and versions, footprint uncertainty

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 11:25:00

- `emission_factor`: the biogenic and land-use-change parts of a factor's value, and `supersedes_id` (a factor
  is superseded at most once) so that the hub can list the footprints that used a superseded factor.
- `footprint`: the Monte Carlo mean and 95 % interval of the total, with the draw count and seed.
- `inventory_line`: the uncertainty of the activity amount (half-width of its 95 % interval, per cent).

SQLite adds a unique constraint by copying the table; its foreign keys are off while it does (inventory lines
refer to factors).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCERTAINTY: tuple[tuple[str, sa.types.TypeEngine[object]], ...] = (
    ("uncertainty_mean_kgco2e", sa.Float(precision=53)),
    ("uncertainty_low_kgco2e", sa.Float(precision=53)),
    ("uncertainty_high_kgco2e", sa.Float(precision=53)),
    ("uncertainty_draws", sa.Integer()),
    ("uncertainty_seed", sa.BigInteger()),
)


def upgrade() -> None:
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table("emission_factor", schema=None) as batch_op:
            batch_op.add_column(sa.Column("biogenic_kgco2e_per_unit", sa.Float(precision=53), nullable=True))
            batch_op.add_column(sa.Column("land_use_change_kgco2e_per_unit", sa.Float(precision=53), nullable=True))
            batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
            batch_op.create_unique_constraint("uq_emission_factor_supersedes_id", ["supersedes_id"])
            batch_op.create_foreign_key(
                "fk_emission_factor_supersedes_id_emission_factor", "emission_factor", ["supersedes_id"], ["id"]
            )
        with op.batch_alter_table("footprint", schema=None) as batch_op:
            for name, type_ in UNCERTAINTY:
                batch_op.add_column(sa.Column(name, type_, nullable=True))
        with op.batch_alter_table("inventory_line", schema=None) as batch_op:
            batch_op.add_column(sa.Column("uncertainty_percent", sa.Float(precision=53), nullable=True))


def downgrade() -> None:
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table("inventory_line", schema=None) as batch_op:
            batch_op.drop_column("uncertainty_percent")
        with op.batch_alter_table("footprint", schema=None) as batch_op:
            for name, _ in reversed(UNCERTAINTY):
                batch_op.drop_column(name)
        with op.batch_alter_table("emission_factor", schema=None) as batch_op:
            batch_op.drop_constraint("fk_emission_factor_supersedes_id_emission_factor", type_="foreignkey")
            batch_op.drop_constraint("uq_emission_factor_supersedes_id", type_="unique")
            batch_op.drop_column("supersedes_id")
            batch_op.drop_column("land_use_change_kgco2e_per_unit")
            batch_op.drop_column("biogenic_kgco2e_per_unit")


@contextmanager
def _sqlite_foreign_keys_off() -> Iterator[None]:
    """On SQLite: foreign keys off for the block, and every reference checked after it. Elsewhere: nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite kept its foreign keys on; copying the factor table would break references")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"references broken by the migration: {broken[:5]}")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")

"""one label in force per footprint and scheme; footprint versions numbered along their supersedes chain

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:30:00

- `footprint.version` counted every footprint of the product (a published version 27 told any reader that 25
  versions it may not see exist); it now counts only the footprint's own supersedes chain, and a footprint is
  superseded at most once (unique `supersedes_id`). Existing versions are renumbered along their chains.
- At most one label per footprint and scheme is in force (issued or suspended): a partial unique index. Of
  existing duplicates the oldest stays in force; the later ones are marked revoked (they were issued by the
  race this index closes).

SQLite changes a table's constraints by copying the table; its foreign keys are switched off while it does,
because dropping the old copy would otherwise cascade into the stages, inventory lines and decisions.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FORCE = sa.text("status != 'revoked'")

RENUMBER_ALONG_CHAINS = """
WITH RECURSIVE chain(id, depth) AS (
    SELECT id, 1 FROM footprint WHERE supersedes_id IS NULL
    UNION ALL
    SELECT f.id, chain.depth + 1 FROM footprint AS f JOIN chain ON f.supersedes_id = chain.id
)
UPDATE footprint SET version = COALESCE((SELECT depth FROM chain WHERE chain.id = footprint.id), version)
"""

RENUMBER_PER_PRODUCT = """
UPDATE footprint SET version = (
    SELECT COUNT(*) FROM footprint AS f WHERE f.product_id = footprint.product_id AND f.id <= footprint.id
)
"""

REVOKE_LATER_DUPLICATES = """
UPDATE label SET status = 'revoked'
WHERE status != 'revoked' AND EXISTS (
    SELECT 1 FROM label AS older
    WHERE older.footprint_id = label.footprint_id AND older.scheme = label.scheme
      AND older.status != 'revoked' AND older.id < label.id
)
"""


def upgrade() -> None:
    with _sqlite_foreign_keys_off():
        _refuse_footprints_superseded_twice()
        op.execute(REVOKE_LATER_DUPLICATES)
        with op.batch_alter_table("footprint", schema=None) as batch_op:
            batch_op.drop_constraint("uq_footprint_product_version", type_="unique")
            batch_op.create_unique_constraint("uq_footprint_supersedes_id", ["supersedes_id"])
        op.execute(RENUMBER_ALONG_CHAINS)
        op.create_index(
            "uq_label_footprint_scheme_in_force",
            "label",
            ["footprint_id", "scheme"],
            unique=True,
            sqlite_where=IN_FORCE,
            postgresql_where=IN_FORCE,
        )


def downgrade() -> None:
    with _sqlite_foreign_keys_off():
        op.drop_index("uq_label_footprint_scheme_in_force", table_name="label")
        op.execute(RENUMBER_PER_PRODUCT)
        with op.batch_alter_table("footprint", schema=None) as batch_op:
            batch_op.drop_constraint("uq_footprint_supersedes_id", type_="unique")
            batch_op.create_unique_constraint("uq_footprint_product_version", ["product_id", "version"])


def _refuse_footprints_superseded_twice() -> None:
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT supersedes_id FROM footprint WHERE supersedes_id IS NOT NULL "
                "GROUP BY supersedes_id HAVING COUNT(*) > 1"
            )
        )
        .scalars()
        .all()
    )
    if twice:
        raise RuntimeError(
            f"Footprints with ids {sorted(twice)} are superseded by more than one footprint; a footprint may be "
            "superseded at most once. Point each later version's supersedes_id at the version before it, then "
            "upgrade again."
        )


@contextmanager
def _sqlite_foreign_keys_off() -> Iterator[None]:
    """On SQLite: foreign keys off for the block (checked, since SQLite ignores the pragma inside a
    transaction), and every reference checked after it. Elsewhere: nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite kept its foreign keys on; copying the footprint table would delete rows")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"references broken by the migration: {broken[:5]}")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")

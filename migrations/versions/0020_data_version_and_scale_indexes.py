"""data version (bumped by every write to what a footprint read depends on) and the indexes of flat reads

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-27 14:30:00

`data_version` holds one row whose counter triggers bump in the transaction of every INSERT, UPDATE or DELETE
on the tables a footprint read depends on (footprint, product, organization, decision, label,
sharing_agreement). Cached exact counts are keyed by it (hub/queries/counting.py), so every worker of a hub,
and every writer (services, bulk loads, other processes), agrees on when a cached count is stale. The bump
is transactional: a count cached under version v never misses a write that committed at v. PostgreSQL bumps
once per statement, SQLite (row triggers only) once per row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the tables a footprint read or a public label page depends on (hub/queries/counting.py, hub/public/kept.py)
WATCHED = (
    "footprint",
    "product",
    "product_category",
    "organization",
    "decision",
    "label",
    "label_event",
    "sharing_agreement",
)
BUMP = "UPDATE data_version SET version = version + 1"  # its one row (tests shift its key)


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION cfhub_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION cfhub_bump_data_version()"
            )
    else:
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER data_version_{table}_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP}; END"
                )
    # the enterprise's own footprints in key order: `product_id IN (its products)` then by id
    op.create_index("ix_footprint_product_id_id", "footprint", ["product_id", "id"])
    # published footprints in key order (PostgreSQL's `status` index orders equal keys by row position)
    op.create_index("ix_footprint_status_id", "footprint", ["status", "id"])
    # the newest decision of a kind on a footprint (the grade filter's "superseded" test)
    op.create_index("ix_decision_footprint_kind_id", "decision", ["footprint_id", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_decision_footprint_kind_id", table_name="decision")
    op.drop_index("ix_footprint_status_id", table_name="footprint")
    op.drop_index("ix_footprint_product_id_id", table_name="footprint")
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER data_version_{table} ON {table}")
        op.execute("DROP FUNCTION cfhub_bump_data_version()")
    else:
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER data_version_{table}_{event}")
    op.drop_table("data_version")

"""The test worlds give every record kind its own range of keys, so a join on the wrong key finds nothing.

The demo loader creates one footprint per product in the same order, so on a fresh database every demo
footprint's key equals its product's key, and a query joining `footprint.id` to `product.id` by mistake
would pass every test. tests/databases.py starts each table's keys at a distinct offset; this proves it.
"""

from __future__ import annotations

from sqlalchemy import text

from hub.db.engine import make_engine
from hub.db.models import Base
from tests.databases import ID_STRIDE, id_offsets

# Tables whose one row a migration writes with its key, before the test databases move the sequences: no record
# kind, never joined by id (data_version: the counter of migration 0020).
SINGLETONS = {"data_version"}


def test_no_two_kinds_share_an_id_in_the_demo(demo_db_url: str) -> None:
    engine = make_engine(demo_db_url)
    owner: dict[int, str] = {}
    try:
        with engine.connect() as conn:
            for table in sorted(set(Base.metadata.tables) - SINGLETONS):
                for (key,) in conn.execute(text(f'SELECT id FROM "{table}"')):
                    assert key not in owner, f"id {key} is both a {owner[key]} and a {table} row"
                    owner[key] = table
                    assert id_offsets()[table] <= key < id_offsets()[table] + ID_STRIDE, (table, key)
    finally:
        engine.dispose()
    populated = set(owner.values())
    assert {"footprint", "product", "organization", "decision", "inventory_line", "audit_event"} <= populated


def test_a_row_written_by_a_test_stays_in_its_tables_range(demo_db_url: str) -> None:
    engine = make_engine(demo_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_event (at, actor, action, record_type, detail, prev_hash, hash) "
                    "VALUES (CURRENT_TIMESTAMP, 'a', 'b', 'c', '{}', 'p', 'h')"
                )
            )
            key = conn.execute(text("SELECT MAX(id) FROM audit_event")).scalar_one()
    finally:
        engine.dispose()
    assert id_offsets()["audit_event"] < key < id_offsets()["audit_event"] + ID_STRIDE

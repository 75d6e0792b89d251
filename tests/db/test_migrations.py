"""The models and the migrations agree, and the migrations run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from hub.db import migrate
from hub.db.engine import make_engine
from hub.db.models import Base


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def test_autogenerate_finds_no_difference_between_models_and_migrations(bare_db_url: str) -> None:
    migrate.upgrade(bare_db_url)
    assert migrate.differences(bare_db_url) == []


def test_upgrade_downgrade_to_base_upgrade_again(bare_db_url: str) -> None:
    migrate.upgrade(bare_db_url)
    assert _tables(bare_db_url) == set(Base.metadata.tables)
    migrate.downgrade(bare_db_url, "base")
    assert _tables(bare_db_url) == set()
    assert migrate.current(bare_db_url) is None
    migrate.upgrade(bare_db_url)
    assert _tables(bare_db_url) == set(Base.metadata.tables)
    assert migrate.differences(bare_db_url) == []


def test_sqlite_database_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()
    assert (mode, fks) == ("wal", 1)

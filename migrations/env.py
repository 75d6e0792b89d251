"""Alembic environment: one URL from the caller (cfhub db) or from the environment."""

from __future__ import annotations

from alembic import context

from hub.config import Settings
from hub.db.engine import make_engine
from hub.db.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()  # also when a migration fails: no pooled connection left behind


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode: SQLite can only change a table by copying it, which alembic does for us.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Runs the alembic migrations in `migrations/` against a database URL (used by `cfhub db` and tests)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from hub.db.engine import make_engine, sync_url
from hub.db.models import Base
from hub.resources import data_dir


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(data_dir("migrations")))
    # ConfigParser treats % as interpolation: escape it in passwords.
    config.set_main_option("sqlalchemy.url", sync_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    engine = make_engine(url)
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return rev


def differences(url: str) -> list[Any]:
    """What alembic's autogenerate would change to make the database match the models: [] when they agree."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    return diff


def head() -> str:
    """The newest revision of the migrations shipped with this installation."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(data_dir("migrations")))
    return str(ScriptDirectory.from_config(config).get_current_head())

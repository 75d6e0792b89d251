"""Shared fixtures: fresh databases (see tests/databases.py) and a hub wired to them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from tests import databases

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """`../shared` beside the repository (or CFHUB_SHARED_DIR); absent in a user's clone."""
    import os

    return Path(os.environ.get("CFHUB_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[databases.Templates]:
    # alembic's INFO lines would drown the test output
    logging.getLogger("alembic").setLevel(logging.WARNING)
    t = databases.Templates(tmp_path_factory.mktemp("databases"))
    yield t
    t.cleanup()


@pytest.fixture
def empty_db_url(templates: databases.Templates) -> str:
    """A migrated database with no rows."""
    return templates.fresh("migrated", databases.migrated)


@pytest.fixture
def demo_db_url(templates: databases.Templates) -> str:
    """A migrated database holding the demo data; each test gets its own copy."""
    return templates.fresh("demo", databases.with_demo)


@pytest.fixture
def bare_db_url(templates: databases.Templates) -> str:
    """A database with no tables at all."""
    return templates.new_empty()


def settings_for(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, **overrides)  # type: ignore[arg-type]


@pytest.fixture
async def demo_hub(demo_db_url: str) -> AsyncIterator[Hub]:
    hub = open_hub(settings_for(demo_db_url))
    yield hub
    await hub.close()


@pytest.fixture
async def empty_hub(empty_db_url: str) -> AsyncIterator[Hub]:
    hub = open_hub(settings_for(empty_db_url))
    yield hub
    await hub.close()

"""A live hub over real HTTP on its own copy of the demo data, for the read-side security tests.

Each test module that imports `live_hub` gets one hub and one uvicorn server on loopback; a test that
changes rows (agreements, statuses) does it in that module's own database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from hub.app import create_app
from hub.db.engine import make_engine
from tests import databases
from tests.api.conftest import Live
from tests.api.fixtures import gql, prepare
from tests.api.live import LiveServer


@pytest.fixture(scope="module")
def live_hub(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, Path(tmp_path_factory.mktemp("keys")))
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield Live(hub, server, client)


@pytest.fixture(scope="module")
def db(live_hub: Live) -> Iterator[Engine]:
    """A synchronous engine on the live hub's database, for arranging rows and for independent checks."""
    engine = make_engine(live_hub.hub.settings.database_url)
    yield engine
    engine.dispose()


def data(live: Live, query: str, bearer: str | None, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer's `data`, asserting the request was answered without errors."""
    body = gql(live.client, query, bearer, variables).json()
    assert not body.get("errors"), str(body["errors"])[:2000]
    return dict(body["data"])

"""An app on a copy of the demo database, reached with httpx through ASGI (same event loop as the test)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hub.app import create_app
from hub.bootstrap import Hub, open_hub
from hub.config import Settings


@pytest.fixture
async def app_hub(demo_db_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    hub = open_hub(Settings(database_url=demo_db_url, key_dir=tmp_path / "keys"))
    yield hub
    await hub.close()


@pytest.fixture
async def client(app_hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(hub=app_hub)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as c:
        yield c

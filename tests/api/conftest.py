"""A live hub over real HTTP (uvicorn on loopback), shared by a test module, on a copy of the demo data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.app import create_app
from hub.bootstrap import Hub
from tests import databases
from tests.api.fixtures import prepare
from tests.api.live import LiveServer


class Live:
    def __init__(self, hub: Hub, server: LiveServer, client: httpx.Client) -> None:
        self.hub, self.server, self.client = hub, server, client


@pytest.fixture(scope="module")
def live(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, Path(tmp_path_factory.mktemp("keys")))
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield Live(hub, server, client)


@pytest.fixture
def asgi(demo_db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A factory: an httpx client on the ASGI app over a copy of the demo data, with settings overridden."""
    import contextlib

    from hub.bootstrap import open_hub
    from hub.config import Settings

    @contextlib.asynccontextmanager
    async def make(**overrides: object):  # type: ignore[no-untyped-def]
        hub = open_hub(Settings(database_url=demo_db_url, key_dir=tmp_path / "keys", **overrides))  # type: ignore[arg-type]
        app = create_app(hub=hub)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as c:
                c.hub = hub  # type: ignore[attr-defined]
                yield c
        finally:
            await hub.close()

    return make

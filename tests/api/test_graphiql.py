"""GraphiQL is served on GET /graphql in dev mode only."""

from __future__ import annotations

from pathlib import Path

import httpx

from hub.app import create_app
from hub.config import Settings


async def _get(url: str, tmp_path: Path, dev: bool) -> httpx.Response:
    app = create_app(Settings(database_url=url, dev=dev, key_dir=tmp_path / "keys"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        return await client.get("/graphql", headers={"accept": "text/html"})


async def test_graphiql_in_dev_mode(empty_db_url: str, tmp_path: Path) -> None:
    response = await _get(empty_db_url, tmp_path, dev=True)
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_no_graphiql_in_production(empty_db_url: str, tmp_path: Path) -> None:
    response = await _get(empty_db_url, tmp_path, dev=False)
    assert "graphiql" not in response.text.lower()
    assert response.status_code >= 400

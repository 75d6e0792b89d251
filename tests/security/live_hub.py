"""A hub over real HTTP for the security tests: a copy of the demo data with the API tests' extras (labels,
datasets, verifiers), uvicorn on a loopback port, an httpx client, tokens per role and a row count of
every table (to show that a refused request wrote nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.app import create_app
from hub.auth.principal import Role
from hub.bootstrap import Hub
from hub.db.models import Base
from tests import databases
from tests.api.fixtures import prepare, token
from tests.api.live import LiveServer

GRAPHQL_RESPONSE = "application/graphql-response+json"


class Served:
    def __init__(self, hub: Hub, client: httpx.Client, url: str) -> None:
        self.hub, self.client, self.url = hub, client, url

    def headers(self, role: Role) -> dict[str, str]:
        bearer = token(self.hub, role)
        out = {"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"}
        return {**out, "Authorization": f"Bearer {bearer}"} if bearer else out

    def gql(self, role: Role, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers(role)
        )

    def post(self, role: Role, body: bytes) -> httpx.Response:
        """POST a body as given: JSON that `json.dumps` would never write (NaN, lone surrogates, ...)."""
        return self.client.post("/graphql", content=body, headers=self.headers(role))

    def rows(self) -> dict[str, int]:
        """The number of rows in every table, read by a connection of its own."""
        url = make_url(self.url)
        url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return {
                    t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
                }
        finally:
            engine.dispose()


@contextmanager
def serve(templates: databases.Templates, key_dir: Path, **settings: Any) -> Iterator[Served]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, key_dir, **settings)
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield Served(hub, client, url)

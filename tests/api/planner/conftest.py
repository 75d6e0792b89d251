"""One live hub on the demo data (with the API tests' extras), serving two GraphQL endpoints over real HTTP:
`/planned` answers what the query planner covers from SQL, `/reference` executes every query as usual."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from hub.api.http import GraphQLEndpoint
from hub.auth.principal import Role
from hub.bootstrap import Hub
from tests import databases
from tests.api.fixtures import prepare, token
from tests.api.live import LiveServer


class Pair:
    """The same request to both endpoints, as each caller."""

    def __init__(self, hub: Hub, client: httpx.Client, planned: GraphQLEndpoint) -> None:
        self.hub, self.client, self.planned = hub, client, planned
        self.tokens = {role: token(hub, role) for role in Role}

    def post(
        self, path: str, role: Role, query: str, variables: dict[str, Any] | None = None, org: str | None = None
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        bearer = token(self.hub, role, org) if org else self.tokens[role]
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self.client.post(path, json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def both(
        self, role: Role, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.post("/planned", role, query, variables), self.post("/reference", role, query, variables)


def normalized(body: dict[str, Any]) -> dict[str, Any]:
    """The body with its errors in path order (execution order is not part of the contract)."""
    out = dict(body)
    if "errors" in out:
        out["errors"] = sorted(out["errors"], key=lambda e: [str(p) for p in e.get("path") or []] + [e["message"]])
    return out


@pytest.fixture(scope="package")
def pair(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, Path(tmp_path_factory.mktemp("keys")))
    planned, reference = GraphQLEndpoint(hub, hub.schema), GraphQLEndpoint(hub, hub.schema)
    reference.planner.enabled = False

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await hub.close()  # in the server's loop, which opened the connections

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/planned", planned.handle, methods=["POST"]),
            Route("/reference", reference.handle, methods=["POST"]),
        ],
    )
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield Pair(hub, client, planned)

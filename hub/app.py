"""The Starlette application: health, GraphQL, and the routes of the hub's other parts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from hub.api.graphql_schema import Context, schema
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.jsonld.routes import routes as jsonld_routes


class HubGraphQL(GraphQL):
    def __init__(self, hub: Hub) -> None:
        dev = hub.settings.dev
        super().__init__(schema, graphql_ide="graphiql" if dev else None, allow_queries_via_get=dev)
        self.hub = hub

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(sessions=self.hub.sessions)


async def health(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    try:
        async with hub.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the point of /health is to report any failure, not to raise it
        return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "region": hub.settings.region.value})


def create_app(settings: Settings | None = None) -> Starlette:
    hub = open_hub(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await hub.close()

    graphql = HubGraphQL(hub)
    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *jsonld_routes,
        ],
        lifespan=lifespan,
    )
    app.state.hub = hub
    return app

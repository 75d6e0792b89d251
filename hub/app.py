"""The Starlette application: health, GraphQL, JWKS, the DID document, the token endpoint and other routes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.api.http import GraphQLEndpoint
from hub.auth import endpoints as auth
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.credentials.routes import routes as credential_routes
from hub.federation.changes import routes as sync_routes
from hub.jsonld.routes import routes as jsonld_routes
from hub.pact import events as pact_events
from hub.pact.host import routes as pact_routes
from hub.pact.outbox import OutboxWorker
from hub.public.partner import routes as partner_label_routes
from hub.public.routes import routes as public_routes
from hub.sheets.routes import routes as sheet_routes


async def health(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    try:
        async with hub.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the point of /health is to report any failure, not to raise it
        return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "region": hub.settings.region.value})


async def did_document(request: Request) -> Response:
    """The hub's did:web document: every identity key still in its ring, so older signatures stay verifiable."""
    hub: Hub = request.app.state.hub
    headers = {"Cache-Control": "public, max-age=60"}  # like the JWKS: a rotation shows within a minute
    return JSONResponse(hub.identity.did_document(), headers=headers, media_type="application/did+json")


def tune_gc() -> None:
    """For a serving process: keep start-up objects (schema, policy, code) out of garbage collection, and
    collect the young generation less often. A GraphQL response allocates thousands of short-lived
    objects; with the defaults, concurrent requests make the collector walk them again and again."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def create_app(settings: Settings | None = None, hub: Hub | None = None) -> Starlette:
    hub = hub or open_hub(settings)
    hub.tokens.keys.current()  # generate the first signing keys at start-up, not on the first request
    hub.identity.ring.current()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with OutboxWorker(hub).running() as app.state.pact_outbox:  # PACT events left queued go out now
            yield
        await hub.close()

    app = Starlette(
        routes=[
            Route("/health", health),
            Route(
                "/graphql",
                GraphQLEndpoint(hub, hub.schema).handle,
                methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
            ),
            Route("/.well-known/jwks.json", auth.jwks),
            Route("/.well-known/did.json", did_document),
            Route("/oauth/token", auth.token, methods=["POST"]),
            *jsonld_routes,
            *pact_routes,
            *pact_events.routes,
            *credential_routes,
            *sheet_routes,
            *sync_routes,
            *partner_label_routes,
            *public_routes,
        ],
        lifespan=lifespan,
    )
    app.state.hub = hub
    if hub.settings.dev:
        app.add_middleware(WorkerHeader)
    return app


def app_from_env() -> Starlette:
    """The application of one worker of `cfhub serve --workers N`: each worker process builds its own hub from
    the environment the command set up (docs/deploy.md lists what the workers share, and how)."""
    app = create_app(Settings.from_env())
    tune_gc()
    return app


class WorkerHeader:
    """Dev mode only: names the worker process that answered (`Cfhub-Worker: <pid>`), to see load spread."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"cfhub-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, named)

"""Two hubs over real HTTP for the PACT exchange tests: GBA (the demo data: a supplier's PACT host) and ZJ (key
products and one enterprise: the data recipient), each with an OAuth client for the other and each other's
host registered as a PACT partner.

Until the PACT host of issue 12 item 1 (branch t12-host) has landed, GBA's `GET /3/footprints` is a minimal
route built here, in the tests only: the footprints the caller may read as PACT (hub/pact/answer.py, the
policy-checked read the hub answers requests with), `limit` and an offset, and `Link: <...>; rel="next"`;
`/auth/token` is the hub's client-credentials endpoint under the spec's path.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.app import create_app
from hub.auth import endpoints as auth
from hub.auth.clients import create_client
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Organization
from hub.domain.codes import OrgKind, Region, SourceKind
from hub.pact.answer import answer
from hub.pact.client import PactClient
from hub.pact.partners import PartnerInput, add_partner
from hub.services.categories import load_key_products
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from tests.api.live import LiveServer

ZJ_BASE = "https://zj.cfhub.example.org/id/"


async def list_footprints(request: Request) -> Response:
    """The test-only stand-in for the PACT host's ListFootprints (see the module's docstring)."""
    hub: Hub = request.app.state.hub
    _, _, token = (request.headers.get("authorization") or "").partition(" ")
    try:
        principal = await hub.tokens.verify_active(token.strip())
    except InvalidToken as exc:
        return JSONResponse({"code": "BadRequest", "message": str(exc)}, status_code=401)
    limit = int(request.query_params.get("limit", "100"))
    offset = int(request.query_params.get("offset", "0"))
    pfs = (await answer(hub, principal, {}, limit=None)).pfs
    headers = {}
    if offset + limit < len(pfs):
        headers["Link"] = f'<{request.url.replace_query_params(limit=limit, offset=offset + limit)}>; rel="next"'
    return JSONResponse({"data": pfs[offset : offset + limit]}, headers=headers)


def host_app(hub: Hub) -> Starlette:
    app = create_app(hub=hub)
    app.router.routes.extend(
        [Route("/auth/token", auth.token, methods=["POST"]), Route("/3/footprints", list_footprints)]
    )
    return app


@dataclass
class Side:
    hub: Hub
    url: str
    db_url: str
    # on this hub: the organization the other hub's calls act as, and that client's credentials
    peer_org_iri: str
    peer_client: tuple[str, str]


async def _org(hub: Hub, key: str, kind: OrgKind, region: Region) -> Organization:
    async with unit_of_work(hub.sessions) as session:
        found = await session.scalar(
            select(Organization).where(Organization.iri == f"{hub.settings.base_iri}org/{key}")
        )
        if found is None:
            found = Organization(
                iri=f"{hub.settings.base_iri}org/{key}", kind=kind, region=region, name_zh=key, name_en=key
            )
            Origin(actor="test", source=SourceKind.SYSTEM).stamp(found)
            session.add(found)
            await session.flush()
        return found


async def _client_for(hub: Hub, org: Organization) -> tuple[str, str]:
    async with unit_of_work(hub.sessions) as session:
        return await create_client(session, await session.merge(org))


async def prepare_zj(hub: Hub) -> None:
    async with unit_of_work(hub.sessions) as session:
        await load_key_products(session, Origin(actor="test", source=SourceKind.SYSTEM), hub.settings.base_iri)
    await _org(hub, "zj-buyer", OrgKind.ENTERPRISE, Region.ZJ)


async def link(gba: Hub, gba_url: str, zj: Hub, zj_url: str) -> tuple[str, str]:
    """Each hub gets a client for the other and registers the other as a partner; returns ZJ's client on GBA."""
    on_gba = await _org(gba, "intl-body", OrgKind.INTERNATIONAL_BODY, Region.INTL)
    on_zj = await _org(zj, "gba-platform", OrgKind.REGIONAL_PLATFORM, Region.GBA)
    zj_client = await _client_for(gba, on_gba)  # ZJ's calls to GBA act as GBA's intl-body
    gba_client = await _client_for(zj, on_zj)
    async with unit_of_work(zj.sessions) as session:
        await add_partner(session, PartnerInput("gba", gba_url, *zj_client, organization_iri=on_zj.iri))
    async with unit_of_work(gba.sessions) as session:
        await add_partner(session, PartnerInput("zj", zj_url, *gba_client, organization_iri=on_gba.iri))
    return zj_client


def zj_settings(url: str, key_dir: Path) -> Settings:
    return Settings(database_url=url, key_dir=key_dir / "zj", base_iri=ZJ_BASE, region=Region.ZJ)


def gba_settings(url: str, key_dir: Path) -> Settings:
    return Settings(database_url=url, key_dir=key_dir / "gba", region=Region.GBA)


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[str]:
    """A hub of its own over HTTP (like another process on the same database and keys), with its outbox worker,
    configured with the public base URL it is served at, as a deployed host is (its pagination links use it)."""
    inner: list[Starlette] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await inner[0](scope, receive, send)

    server = LiveServer(app)
    inner.append(host_app(open_hub(replace(settings, public_base_url=server.url))))
    with server:
        yield server.url


async def wait_for(check: Callable[[], Awaitable[Any]], what: str, seconds: float = 30) -> Any:
    """Poll until `await check()` is truthy (the outboxes deliver in the background); fail naming `what`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Pair:
    """The two hubs as the tests reach them: their databases (hubs of the test's own) and their URLs."""

    gba: Hub
    zj: Hub
    gba_url: str
    zj_url: str
    zj_client: tuple[str, str]  # ZJ's client credentials on GBA

    def client(self, http: httpx.AsyncClient) -> PactClient:
        return PactClient(self.gba_url, f"{self.gba_url}/auth/token", *self.zj_client, http)


@contextlib.asynccontextmanager
async def two_hubs(gba_db: str, zj_db: str, key_dir: Path) -> AsyncIterator[Pair]:
    gba, zj = open_hub(gba_settings(gba_db, key_dir)), open_hub(zj_settings(zj_db, key_dir))
    try:
        await prepare_zj(zj)
        with served(gba.settings) as gba_url, served(zj.settings) as zj_url:
            zj_client = await link(gba, gba_url, zj, zj_url)
            yield Pair(gba, zj, gba_url, zj_url, zj_client)
    finally:
        await gba.close()
        await zj.close()

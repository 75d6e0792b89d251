"""A live PACT host for the host tests: the demo hub over real HTTP, with an OAuth client per role's org."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from hub.app import create_app
from hub.auth.clients import create_client
from hub.auth.principal import Role
from hub.bootstrap import Hub, open_hub
from hub.db.models import Organization
from hub.services.uow import unit_of_work
from tests import databases
from tests.api.fixtures import ROLE_ORGS, org_iri, prepare, token
from tests.api.live import LiveServer


@dataclass
class Host:
    hub: Hub
    url: str
    client: httpx.Client
    credentials: tuple[str, str]  # an OAuth client of the international body (a PACT data recipient)

    def bearer(self, role: Role = Role.INTERNATIONAL_BODY) -> dict[str, str]:
        issued = token(self.hub, role)
        return {"Authorization": f"Bearer {issued}"} if issued else {}

    def list_all(self, headers: dict[str, str], limit: int = 1000, **params: Any) -> list[dict[str, Any]]:
        """Every page of ListFootprints, following the next links."""
        out: list[dict[str, Any]] = []
        response = self.client.get("/3/footprints", params={"limit": limit, **params}, headers=headers)
        while True:
            assert response.status_code == 200, response.text
            out += response.json()["data"]
            link = response.links.get("next")
            if link is None:
                return out
            # the link names the public origin; this test server is reached on loopback
            parts = urlsplit(link["url"])
            response = self.client.get(f"{parts.path}?{parts.query}", headers=headers)


def _client_for(hub: Hub, key: str) -> tuple[str, str]:
    async def run() -> tuple[str, str]:
        h = open_hub(hub.settings)
        try:
            async with unit_of_work(h.sessions) as session:
                org = await session.scalar(select(Organization).where(Organization.iri == org_iri(hub.settings, key)))
                assert org is not None
                return await create_client(session, org)
        finally:
            await h.close()

    return asyncio.run(run())


@contextmanager
def live_host(templates: databases.Templates, key_dir: Path, **overrides: Any) -> Iterator[Host]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, key_dir, **overrides)
    credentials = _client_for(hub, ROLE_ORGS[Role.INTERNATIONAL_BODY])
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield Host(hub, server.url, client, credentials)

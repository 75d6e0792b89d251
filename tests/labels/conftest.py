"""A live hub over real HTTP (uvicorn on loopback) on a copy of the demo data, with labels the tests take to any
state of the machine first (step by step, through hub/labels, before the server starts)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.app import create_app
from hub.auth.principal import Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Footprint, Organization, Product
from hub.services.uow import unit_of_work
from tests import databases
from tests.api.fixtures import gql, prepare, token
from tests.api.live import LiveServer

# A published demo footprint of the test enterprise (zj-battery) that the rules engine graded.
FOOTPRINT_KEY = "ZB-LFP-60"
SECOND = "ZB-LFP-82"
DAY = date(2026, 3, 2)

Setup = Callable[[AsyncSession, Hub], Awaitable[Any]]


@dataclass
class LiveLabels:
    hub: Hub
    client: httpx.Client
    url: str
    made: Any  # what the module's setup returned

    def call(self, role: Role, query: str, variables: dict[str, Any] | None = None, org: str | None = None) -> Any:
        response = gql(self.client, query, token(self.hub, role, org), variables)
        assert response.status_code == 200, response.text
        return response.json()


async def graded_footprint(session: AsyncSession, model: str = FOOTPRINT_KEY) -> Footprint:
    found = await session.scalar(select(Footprint).join(Product).where(Product.model == model))
    assert found is not None
    return found


async def org(session: AsyncSession, settings: Settings, key: str) -> Organization:
    found = await session.scalar(select(Organization).where(Organization.iri == f"{settings.base_iri}org/{key}"))
    assert found is not None
    return found


def live_labels(templates: databases.Templates, tmp: Path, setup: Setup) -> Iterator[LiveLabels]:
    """A live hub on a fresh demo copy, after `setup` ran in one unit of work on a hub of its own."""
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, tmp)

    async def run() -> Any:
        own = open_hub(hub.settings)
        try:
            async with unit_of_work(own.sessions) as session:
                return await setup(session, own)
        finally:
            await own.close()

    made = asyncio.run(run())
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield LiveLabels(hub, client, url, made)

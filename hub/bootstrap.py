"""The one place that wires the hub: settings -> engine -> sessions, policy, token keys, clock, the published
documents in force and the GraphQL schema.

Everything a hub keeps between requests lives on its `Hub`, never in a module global, so two hubs in one
process (tests, a future multi-region host) never see each other's data. Services that are handed only a
session reach their hub's clock and published documents through `Session.info`, which the hub's
sessionmaker fills (hub/clock.py `clock_of`, hub/services/published.py `documents_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.auth.keys import KeyRing
from hub.auth.tokens import TokenService
from hub.clock import CLOCK_KEY, SYSTEM_CLOCK, Clock
from hub.config import Settings
from hub.db.engine import make_async_engine, make_sessionmaker
from hub.policy.load import default_policy
from hub.policy.model import Policy
from hub.services.published import DOCUMENTS_KEY, PublishedDocuments

if TYPE_CHECKING:
    import strawberry


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    policy: Policy
    tokens: TokenService
    clock: Clock = SYSTEM_CLOCK
    documents: PublishedDocuments = field(default_factory=PublishedDocuments)
    _schema: strawberry.Schema | None = field(default=None, repr=False)

    @property
    def schema(self) -> strawberry.Schema:
        """This hub's GraphQL schema, built on first use (importing the API here would import it in cycles)."""
        if self._schema is None:
            from hub.api.graphql_schema import build_schema

            self._schema = build_schema()
        return self._schema

    async def close(self) -> None:
        await self.engine.dispose()


def token_service(settings: Settings) -> TokenService:
    return TokenService(
        keys=KeyRing(settings.key_dir),
        issuer=settings.base_iri,
        audience=f"{settings.base_iri}api",
        ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


def open_hub(settings: Settings | None = None, policy: Policy | None = None, clock: Clock | None = None) -> Hub:
    """Wire the hub; the policy is loaded and validated here, so a broken policy stops the start."""
    settings = settings or Settings.from_env()
    policy = policy or default_policy()
    clock = clock or SYSTEM_CLOCK
    documents = PublishedDocuments()
    engine = make_async_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    sessions.configure(info={CLOCK_KEY: clock, DOCUMENTS_KEY: documents})
    return Hub(
        settings=settings,
        engine=engine,
        sessions=sessions,
        policy=policy,
        tokens=token_service(settings),
        clock=clock,
        documents=documents,
    )

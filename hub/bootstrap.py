"""The one place that wires the hub: settings -> engine -> sessions, policy, token keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.auth.clients import ClientAuthenticator
from hub.auth.hashing import SecretChecker
from hub.auth.keys import KeyRing
from hub.auth.throttle import FailureThrottle
from hub.auth.tokens import TokenService
from hub.config import Settings
from hub.db.engine import make_async_engine, make_sessionmaker
from hub.policy.load import default_policy
from hub.policy.model import Policy


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    policy: Policy
    tokens: TokenService
    clients: ClientAuthenticator

    async def close(self) -> None:
        self.clients.close()
        await self.engine.dispose()


def client_authenticator(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> ClientAuthenticator:
    throttle = FailureThrottle(settings.oauth_failures_per_client, settings.oauth_failures_per_address)
    return ClientAuthenticator(sessions, throttle, SecretChecker(workers=settings.oauth_hash_workers))


def token_service(settings: Settings) -> TokenService:
    return TokenService(
        keys=KeyRing(settings.key_dir),
        issuer=settings.base_iri,
        audience=f"{settings.base_iri}api",
        ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


def open_hub(settings: Settings | None = None, policy: Policy | None = None) -> Hub:
    """Wire the hub; the policy is loaded and validated here, so a broken policy stops the start."""
    settings = settings or Settings.from_env()
    engine = make_async_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    clients = client_authenticator(settings, sessions)
    tokens = token_service(settings)
    tokens.revoked = clients.revoked
    return Hub(
        settings=settings,
        engine=engine,
        sessions=sessions,
        policy=policy or default_policy(),
        tokens=tokens,
        clients=clients,
    )

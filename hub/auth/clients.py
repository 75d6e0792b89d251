"""Machine clients of the client-credentials grant: a client id, a hashed secret, an organization.

A client's life cycle is create -> revoke, with no restart: a revoked client gets no token, and tokens it
already holds (they carry its `client_id`) are refused from the next request on, because the hub looks the
client up on each request that presents such a token (one indexed read; tokens from `cfhub token issue`
carry no client id and cost nothing).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth.hashing import SecretChecker, hash_secret
from hub.auth.principal import Principal, Role
from hub.auth.throttle import FailureThrottle, Throttled
from hub.db.models import OAuthClient, Organization


class UnknownClient(Exception):
    """No OAuth client has this id."""


@dataclass(frozen=True)
class ClientInfo:
    client_id: str
    organization_iri: str
    created_at: datetime
    revoked_at: datetime | None


async def create_client(session: AsyncSession, org: Organization) -> tuple[str, str]:
    """Register a client for `org`; returns (client_id, secret). The secret is not stored, only its hash."""
    client_id = f"{org.iri.rstrip('/').rsplit('/', 1)[-1]}-{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    session.add(
        OAuthClient(
            client_id=client_id,
            secret_hash=hash_secret(secret),
            organization_id=org.id,
            created_at=datetime.now(UTC),
        )
    )
    await session.flush()
    return client_id, secret


async def revoke_client(session: AsyncSession, client_id: str, now: datetime | None = None) -> ClientInfo:
    """Revoke a client (idempotent: an already revoked one keeps its first revocation time)."""
    client = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None:
        raise UnknownClient(f"no OAuth client {client_id!r} on this hub")
    if client.revoked_at is None:
        client.revoked_at = now or datetime.now(UTC)
        await session.flush()
    return (await list_clients(session, client_id))[0]


async def list_clients(session: AsyncSession, client_id: str | None = None) -> list[ClientInfo]:
    statement = (
        select(OAuthClient.client_id, Organization.iri, OAuthClient.created_at, OAuthClient.revoked_at)
        .join(Organization, Organization.id == OAuthClient.organization_id)
        .order_by(OAuthClient.created_at, OAuthClient.client_id)
    )
    if client_id is not None:
        statement = statement.where(OAuthClient.client_id == client_id)
    return [ClientInfo(*row) for row in (await session.execute(statement)).all()]


async def _active_client(session: AsyncSession, client_id: str) -> tuple[str, Organization] | None:
    row = (
        await session.execute(
            select(OAuthClient.secret_hash, Organization)
            .join(Organization, Organization.id == OAuthClient.organization_id)
            .where(OAuthClient.client_id == client_id, OAuthClient.revoked_at.is_(None))
        )
    ).first()
    return None if row is None else (row[0], row[1])


def principal_for(org: Organization, client_id: str | None = None) -> Principal:
    """An organization acts in the role of its kind, in its region."""
    return Principal(Role(org.kind.value), org_iri=org.iri, region=org.region.value, client_id=client_id)


class ClientAuthenticator:
    """The use case behind `/oauth/token`: throttle, look up, check the secret off the event loop.

    Unknown and revoked ids do the same work as a wrong secret (one hash against a dummy), and every
    failure counts against the client id and the address alike.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], throttle: FailureThrottle, checker: SecretChecker
    ) -> None:
        self.sessions, self.throttle, self.checker = sessions, throttle, checker

    async def authenticate(self, client_id: str, secret: str, address: str) -> Principal | Throttled | None:
        async with self.throttle.attempt(client_id, address) as attempt:
            if attempt.throttled is not None:
                return attempt.throttled
            async with self.sessions() as session:
                found = await _active_client(session, client_id)
            if await self.checker.matches(secret, found[0] if found else None) and found is not None:
                return principal_for(found[1], client_id)
            attempt.failed()
            return None

    async def revoked(self, client_id: str) -> bool:
        """Whether tokens of this client must be refused: it was revoked, or it no longer exists."""
        async with self.sessions() as session:
            row = (
                await session.execute(select(OAuthClient.revoked_at).where(OAuthClient.client_id == client_id))
            ).first()
        return row is None or row[0] is not None

    def close(self) -> None:
        self.checker.close()

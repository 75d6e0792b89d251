"""Machine clients of the client-credentials grant: a client id, a hashed secret, an organization."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal, Role
from hub.db.models import OAuthClient, Organization

_N, _R, _P = 2**14, 8, 1


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    scheme, salt, _digest = stored.split("$")
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_secret(secret, bytes.fromhex(salt)), stored)


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


async def authenticate(session: AsyncSession, client_id: str, secret: str) -> Principal | None:
    row = (
        await session.execute(
            select(OAuthClient.secret_hash, Organization)
            .join(Organization, Organization.id == OAuthClient.organization_id)
            .where(OAuthClient.client_id == client_id, OAuthClient.revoked_at.is_(None))
        )
    ).first()
    if row is None or not secret_matches(secret, row[0]):
        return None
    return principal_for(row[1])


def principal_for(org: Organization) -> Principal:
    """An organization acts in the role of its kind, in its region."""
    return Principal(Role(org.kind.value), org_iri=org.iri, region=org.region.value)

"""PACT partners: the hosts this hub sends events to and pulls footprints from, with the credentials they
gave this hub, and the local organization each one's own calls authenticate as.

An event a partner posts is answered at that partner's host (never at an address the event names: a
`source` is the sender's word, and posting to it would let any caller aim the hub at any URL)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import clock_of
from hub.db.models import Organization, PactPartner
from hub.validation import FieldError, InvalidInput


@dataclass(frozen=True)
class PartnerInput:
    name: str
    base_url: str
    client_id: str
    client_secret: str
    token_url: str | None = None  # default: <base_url>/auth/token
    organization_iri: str | None = None


def _http_url(field: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput([FieldError(field, f"must be an absolute http(s) URL, not {url!r}")])
    if parts.query or parts.fragment:
        raise InvalidInput([FieldError(field, "must have no query or fragment")])
    return url.rstrip("/")


async def add_partner(session: AsyncSession, data: PartnerInput) -> PactPartner:
    """Register a partner; its name, and the organization its calls act as, are unique."""
    if not data.name.strip() or len(data.name) > 64:
        raise InvalidInput([FieldError("$.name", "must be 1 to 64 characters")])
    base = _http_url("$.base_url", data.base_url)
    token_url = _http_url("$.token_url", data.token_url or f"{base}/auth/token")
    if not data.client_id or not data.client_secret:
        raise InvalidInput([FieldError("$.client_id", "and the client secret are both required")])
    if await session.scalar(select(PactPartner.id).where(PactPartner.name == data.name)) is not None:
        raise InvalidInput([FieldError("$.name", f"a partner named {data.name!r} exists already")])
    if data.organization_iri is not None:
        await _check_organization(session, data.organization_iri)
    partner = PactPartner(
        name=data.name,
        base_url=base,
        token_url=token_url,
        client_id=data.client_id,
        client_secret=data.client_secret,
        organization_iri=data.organization_iri,
        created_at=clock_of(session).now(),
    )
    session.add(partner)
    await session.flush()
    return partner


async def _check_organization(session: AsyncSession, iri: str) -> None:
    if await session.scalar(select(Organization.id).where(Organization.iri == iri)) is None:
        raise InvalidInput([FieldError("$.organization_iri", f"names no organization on this hub: {iri}")])
    taken = await session.scalar(select(PactPartner.name).where(PactPartner.organization_iri == iri))
    if taken is not None:
        raise InvalidInput([FieldError("$.organization_iri", f"is the organization of partner {taken!r} already")])


async def list_partners(session: AsyncSession) -> list[PactPartner]:
    return list(await session.scalars(select(PactPartner).order_by(PactPartner.name)))


async def partner_named(session: AsyncSession, name: str) -> PactPartner:
    found = await session.scalar(select(PactPartner).where(PactPartner.name == name))
    if found is None:
        raise InvalidInput([FieldError("$.partner", f"no PACT partner is named {name!r}")])
    return found


async def partner_of(session: AsyncSession, org_iri: str | None) -> PactPartner | None:
    """The partner whose calls authenticate as `org_iri`, if one is configured."""
    if org_iri is None:
        return None
    return await session.scalar(select(PactPartner).where(PactPartner.organization_iri == org_iri))

"""Use cases for organizations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Organization
from hub.domain.codes import OrgKind, Region
from hub.services.origin import Origin, new_iri
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput, require_valid


async def create_organization(
    session: AsyncSession, data: dict[str, Any], origin: Origin, base_iri: str, iri: str | None = None
) -> Organization:
    require_valid("organization", data)
    code = data.get("credit_code")
    if code and await session.scalar(select(Organization.id).where(Organization.credit_code == code)):
        raise InvalidInput([FieldError("$.credit_code", f"is already registered: {code}")])
    org = Organization(
        iri=iri or new_iri(base_iri, "org"),
        kind=OrgKind(data["kind"]),
        region=Region(data["region"]),
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        credit_code=code,
        accreditation=data.get("accreditation"),
    )
    return await add_new(session, org, origin)

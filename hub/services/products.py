"""Use cases for products."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Organization, Product
from hub.domain.codes import OrgKind
from hub.services.lookups import category_by_code
from hub.services.origin import Origin, new_iri
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput, require_valid


async def create_product(
    session: AsyncSession, data: dict[str, Any], owner: Organization, origin: Origin, base_iri: str
) -> Product:
    require_valid("product", data)
    if owner.kind is not OrgKind.ENTERPRISE:
        raise InvalidInput([FieldError("$.owner", f"{owner.iri} is a {owner.kind.value}, not an enterprise")])
    category = await category_by_code(session, data["category_code"])
    product = Product(
        iri=new_iri(base_iri, "product"),
        owner_id=owner.id,
        category_id=category.id,
        name=data["name"],
        model=data.get("model"),
        gtin=data.get("gtin"),
        description=data.get("description"),
    )
    return await add_new(session, product, origin)

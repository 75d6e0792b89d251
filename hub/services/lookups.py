"""Finding the records an input refers to; a reference that does not resolve is an input error."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Identified, ProductCategory
from hub.queries.targets import unseen
from hub.validation import FieldError, InvalidInput

M = TypeVar("M", bound=Identified)


async def by_iri(session: AsyncSession, model: type[M], iri: str, field: str) -> M:
    """The record `iri` names. Its refusal uses the words of a reference the caller may not read
    (`hub.queries.targets.unseen`), so a path that checks readability first answers alike for both."""
    found = await session.scalar(select(model).where(model.iri == iri))
    if found is None:
        raise InvalidInput([unseen(field, model.__name__, iri)])
    return found


async def category_by_code(session: AsyncSession, code: str, field: str = "$.category_code") -> ProductCategory:
    found = await session.scalar(select(ProductCategory).where(ProductCategory.code == code))
    if found is None:
        raise InvalidInput([FieldError(field, f"is not a known product category code: {code}")])
    if found.level != "product":
        raise InvalidInput([FieldError(field, f"{code} is an industry; a product needs a key-product code")])
    return found

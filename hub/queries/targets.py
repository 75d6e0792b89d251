"""The record a mutation acts on, found under the policy's check for the caller's role.

A target the caller may not even read is reported as not found (its existence is not told); one it may
read but not change is refused with Forbidden.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.policy.access import Access, Forbidden
from hub.policy.catalog import KINDS
from hub.validation import FieldError, InvalidInput

M = TypeVar("M")


async def target(session: AsyncSession, access: Access, mutation: str, iri: str, field: str) -> object:
    kind = access.policy.mutations[mutation].kind
    model = KINDS[kind].model
    assert model is not None
    check = access.mutation_check(mutation)
    found = await session.scalar(select(model).where(model.iri == iri, check))  # type: ignore[attr-defined]
    if found is not None:
        return found
    readable = await session.scalar(
        select(model.id).where(model.iri == iri, access.where(kind))  # type: ignore[attr-defined]
    )
    if readable is not None:
        raise Forbidden(f"role {access.role} may not run {mutation} on {iri}")
    raise InvalidInput([FieldError(field, f"names no {kind} this caller can see: {iri}")])


async def require_readable_suppliers(session: AsyncSession, access: Access, data: dict[str, object]) -> None:
    """A supplier footprint an inventory line cites must be one the caller may read: otherwise citing it
    would tell the caller it exists, and link its data to the caller's."""
    from hub.db.models import Footprint

    lines = data.get("inventory")
    if not isinstance(lines, list):
        return
    problems = []
    for i, line in enumerate(lines):
        iri = line.get("supplier_footprint_iri") if isinstance(line, dict) else None
        if not isinstance(iri, str):
            continue
        readable = await session.scalar(select(Footprint.id).where(Footprint.iri == iri, access.where("Footprint")))
        if readable is None:
            problems.append(
                FieldError(f"$.inventory[{i}].supplier_footprint_iri", f"names no footprint on this hub: {iri}")
            )
    if problems:
        raise InvalidInput(problems)

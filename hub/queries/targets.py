"""The records a mutation acts on or names, found under the policy for the caller's role.

A record the caller may not even read is reported exactly as one that does not exist (its existence is not
told); a target it may read but not change is refused with Forbidden.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Identified
from hub.policy.access import Access, Forbidden
from hub.policy.catalog import KINDS
from hub.validation import FieldError, InvalidInput

M = TypeVar("M", bound=Identified)


def unseen(field: str, kind: str, iri: str) -> FieldError:
    """The one answer for a reference to a record the caller may not read, and for one to no record at all: the
    same words for both, so that an answer never tells whether a hidden record exists."""
    return FieldError(field, f"names no {noun(kind)} you may read: {iri}")


def noun(kind: str) -> str:
    """A record kind as a word in a sentence: Footprint -> footprint, EmissionFactor -> emission factor."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in kind).strip()


async def target(session: AsyncSession, access: Access, mutation: str, model: type[M], iri: str, field: str) -> M:
    """The `model` record `iri` names, when the caller may run `mutation` on it (`model` is the kind the policy
    says the mutation acts on)."""
    kind = access.policy.mutations[mutation].kind
    if _identified(kind) is not model:
        raise TypeError(f"{mutation} acts on {kind} records, not on {model.__name__}")
    check = access.mutation_check(mutation)
    found = await session.scalar(select(model).where(model.iri == iri, check))
    if found is not None:
        return found
    readable = await session.scalar(select(model.id).where(model.iri == iri, access.where(kind)))
    if readable is not None:
        raise Forbidden(f"role {access.role} may not run {mutation} on {iri}")
    raise InvalidInput([unseen(field, kind, iri)])


# The references in a footprint's input to records that policy rows hide from some callers, by the kind each
# names. (The product is the mutation's target; emission factors and organizations are readable by every role
# that may write a footprint, and the service's lookups refuse a missing one in the same words.)
_FOOTPRINT_REFERENCES = {"supersedes_iri": "Footprint"}
_LINE_REFERENCES = {"supplier_footprint_iri": "Footprint"}


async def require_readable_references(session: AsyncSession, access: Access, data: dict[str, object]) -> None:
    """Every record a footprint's input names must be one the caller may read: otherwise the answer would tell
    the caller it exists (a new version of another's draft, a supplier footprint it cannot see), and citing it
    would link its data to the caller's. A hidden record gets the same error as a missing one."""
    references = [(f"$.{name}", kind, data.get(name)) for name, kind in _FOOTPRINT_REFERENCES.items()]
    lines = data.get("inventory")
    for i, line in enumerate(lines if isinstance(lines, list) else []):
        if isinstance(line, dict):
            references += [
                (f"$.inventory[{i}].{name}", kind, line.get(name)) for name, kind in _LINE_REFERENCES.items()
            ]
    problems = [
        unseen(field, kind, iri)
        for field, kind, iri in references
        if isinstance(iri, str) and not await _readable(session, access, kind, iri)
    ]
    if problems:
        raise InvalidInput(problems)


async def _readable(session: AsyncSession, access: Access, kind: str, iri: str) -> bool:
    model = _identified(kind)
    found = await session.scalar(select(model.id).where(model.iri == iri, access.where(kind)))
    return found is not None


def _identified(kind: str) -> type[Identified]:
    """The model of `kind`, whose records a mutation or a reference names by IRI."""
    model = KINDS[kind].model
    if model is None or not issubclass(model, Identified):
        raise TypeError(f"{kind} has no records with an IRI")
    return model

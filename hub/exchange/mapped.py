"""A footprint in another vocabulary, as one caller may see it.

The hub's ZJ document of the footprint (hub/exchange/documents.py) is first narrowed to the fields the
caller may read on that row (the policy's grants, worked out by the data-access layer), then mapped by the
one mapping engine. A field the caller may not read is therefore never in the output: the mapping reports
it as missing instead, exactly as it would for a record that never had it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.exchange.documents import footprint_documents
from hub.mapping import Catalog, Mapper, MappingResult, load_catalog

# Parts of the ZJ document that are not footprint fields of the same name, and the field that governs each.
_GOVERNED_BY = {
    "iri": None,  # the record's identity: readable wherever the row is
    "created_at": "created_at",
    "product": "product",
    "owner": "product",
    "verification": "verifier",
    "stages": "stages",
    "emission_factor_sources": "stages",
    "provenance": "created_by",
    "supersedes_iri": "supersedes",
}


@cache
def catalog() -> Catalog:
    """The mappings of this installation, compiled once per process."""
    return load_catalog()


def narrowed(document: dict[str, Any], readable: Iterable[str], credit_code_readable: bool) -> dict[str, Any]:
    """`document` without what the caller may not read."""
    fields = set(readable)
    out: dict[str, Any] = {}
    for key, value in document.items():
        governing = _GOVERNED_BY.get(key, key)
        if governing is None or governing in fields:
            out[key] = value
    if "verification" in out and out["verification"] and "verification_statement" not in fields:
        out["verification"] = {k: v for k, v in out["verification"].items() if k != "statement"}
    if "owner" in out and not credit_code_readable:
        out["owner"] = {k: v for k, v in out["owner"].items() if k != "credit_code"}
    return out


async def mapped_footprint(
    session: AsyncSession, footprint_id: int, target: str, readable: Iterable[str], credit_code_readable: bool
) -> tuple[Mapper, MappingResult]:
    """The mapper used and its result for the footprint `footprint_id`, narrowed to what may be read."""
    from hub.services.published import effective_catalog

    [document] = await footprint_documents(session, [footprint_id])
    # the mappings in force: the shipped files and any version a standards team has published since
    mapper = (await effective_catalog(session)).get(target, "export")
    return mapper, mapper.map(narrowed(document, readable, credit_code_readable))

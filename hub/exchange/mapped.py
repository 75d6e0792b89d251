"""A footprint in another vocabulary, as one caller may see it.

The hub's ZJ document of the footprint (hub/exchange/documents.py, read for a whole page at once by
hub/queries/mapped.py) is first narrowed to the fields the caller may read on that row (the policy's grants,
worked out by the data-access layer), then mapped by the one mapping engine. A field the caller may not read
is therefore never in the output: the mapping reports it as missing instead, exactly as it would for a record
that never had it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from hub.mapping import Catalog, Mapper, MappingResult, load_catalog
from hub.mapping.schema_paths import missing

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
    "retired_by_iri": "status",  # a newer published version of the product retires this one: part of its status
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


@dataclass(frozen=True)
class MappingJob:
    """One footprint to map for one caller: its ZJ document, the fields it may read, the target mapper."""

    mapper: Mapper
    document: dict[str, Any]
    readable: frozenset[str]
    credit_code_readable: bool
    # The field paths the target requires: an output without one (a field the caller may not read, say)
    # is not ok. None: not checked.
    required: list[tuple[str, ...]] | None = None


def map_all(jobs: list[MappingJob]) -> list[MappingResult]:
    """Narrow and map each document (pure CPU work: the caller runs it in a worker thread, once per page)."""
    return [checked(j, j.mapper.map(narrowed(j.document, j.readable, j.credit_code_readable))) for j in jobs]


def checked(job: MappingJob, result: MappingResult) -> MappingResult:
    """`result`, not ok when its output lacks a field the target requires: `ok` then promises a record that
    is complete in the target's vocabulary, not one that looks like it."""
    if job.required is None or result.errors:
        return result
    for path in missing(result.output, job.required):
        result.errors.append((path, "required by the target, and not filled (missing, or not readable)"))
    return result

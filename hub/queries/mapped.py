"""Footprints mapped to another vocabulary, a page at a time: the read behind `Footprint.mapped(to:)`.

One batch (a DataLoader's: every `mapped` field of a page, whatever its alias or target) reads the ZJ
documents of its footprints in one go (three statements, not four per footprint) and maps them all in one
worker thread, so that mapping a large page never blocks the event loop that answers other callers. Each
footprint is narrowed to the fields the caller may read on that row: the key carries them, as the policy
gave them to the row's record (hub/queries/records.py `_readable`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hub.exchange.documents import footprint_documents
from hub.exchange.mapped import MappingJob, map_all
from hub.mapping import Mapper, MappingResult
from hub.queries.reader import Reader


@dataclass(frozen=True)
class MappedKey:
    footprint_id: int
    target: str
    readable: frozenset[str]  # the footprint fields the caller may read on this row


async def mapped_footprints(
    reader: Reader, keys: list[MappedKey], complete: bool = False
) -> list[tuple[Mapper, MappingResult]]:
    """The mapper and result for each key, in order. With `complete`, a result whose output lacks a field
    the target's schema requires is not ok (a host of the target's own protocol serves only complete records)."""
    from hub.services.published import effective_catalog

    access = await reader.access()
    credit_code = "credit_code" in access.readable_fields("Organization")
    ids = list(dict.fromkeys(k.footprint_id for k in keys))
    async with reader.sessions() as session:
        documents = await footprint_documents(session, ids)
        # the mappings in force: the shipped files and any version a standards team has published since
        catalog = await effective_catalog(session)
    if len(documents) != len(ids):
        raise LookupError("a footprint being mapped is no longer on this hub")
    by_id = dict(zip(ids, documents, strict=True))
    targets = {k.target for k in keys}
    mappers = {target: catalog.get(target, "export") for target in targets}
    required = {target: catalog.required_paths(target, "export") if complete else None for target in targets}
    jobs = [
        MappingJob(mappers[k.target], by_id[k.footprint_id], k.readable, credit_code, required[k.target]) for k in keys
    ]
    results = await asyncio.to_thread(map_all, jobs)
    return [(job.mapper, result) for job, result in zip(jobs, results, strict=True)]

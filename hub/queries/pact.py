"""Footprints as PACT v3 ProductFootprints, read for one caller: the read behind the PACT host (hub/pact/host.py).

A footprint is served exactly when GraphQL would show the caller that footprint mapped to PACT with `ok`
true, and as the same document: rows come from the policy-filtered footprint read (hub/queries/records.py)
and go through the same mapping batch as `Footprint.mapped(to: PACT)` (hub/queries/mapped.py). A footprint
whose mapping fails (a draft: PACT has no status for it) is not a PACT footprint and is never served.

PACT filters test fields of the served document, so a filter can only ever see what the caller may read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hub.db.models import Footprint
from hub.mapping.functions import uuid_for
from hub.queries.mapped import MappedKey, mapped_footprints
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch, page

TARGET = "pact"
Document = dict[str, Any]


@dataclass(frozen=True)
class PactPage:
    documents: list[Document]
    next_after: int | None  # the key to continue after; None when nothing more matches


async def _mapped(reader: Reader, records: list[Record]) -> list[Document | None]:
    """Each record's PACT document, or None where its mapping is not ok or the document is not a complete
    PACT ProductFootprint (the caller may not read a field PACT requires, e.g. under a sharing agreement
    that leaves it out): a PACT host serves only documents its clients can take as they are."""
    keys = [MappedKey(r["_id"], TARGET, r["_readable"]) for r in records]
    if not keys:
        return []
    results = await mapped_footprints(reader, keys, complete=True)
    return [result.output if result.ok else None for _, result in results]


async def pact_page(reader: Reader, match: Callable[[Document], bool], limit: int, after: int | None) -> PactPage:
    """Up to `limit` PACT documents matching `match`, in key order after key `after`.

    Rows are read and mapped a batch at a time until `limit` + 1 matches are found (the extra one says
    whether a next page exists, so a pagination link never leads to an empty page) or the rows run out.
    """
    served: list[Document] = []
    last_served: int | None = None
    cursor = after
    while True:
        batch = await page(reader, "Footprint", first=limit + 1, after=cursor)
        for record, document in zip(batch.records, await _mapped(reader, batch.records), strict=True):
            if document is None or not match(document):
                continue
            if len(served) == limit:
                return PactPage(served, last_served)
            served.append(document)
            last_served = record["_id"]
        if not batch.has_next or not batch.records:
            return PactPage(served, None)
        cursor = batch.records[-1]["_id"]


async def pact_document(reader: Reader, pact_id: str) -> Document | None:
    """The PACT document with this id among the footprints the caller may read, or None.

    A PACT id is derived from the footprint's IRI (the mapping's `uuid_for`), so the caller's readable IRIs
    are scanned for it: one narrow SELECT under the caller's row filter, then the one row read and mapped.
    """
    access = await reader.access()
    if not access.grants("Footprint"):
        return None
    rows = await reader.execute(select(Footprint.id, Footprint.iri).where(access.where("Footprint")))
    wanted = pact_id.lower()
    key = next((row.id for row in rows if uuid_for(row.iri) == wanted), None)
    if key is None:
        return None
    records = await fetch(reader, "Footprint", Footprint.id == key)
    documents = await _mapped(reader, records)
    return documents[0] if documents else None

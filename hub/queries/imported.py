"""Reading records peer hubs sent us: under the policy (which roles may read imported records at all) and
then under each record's own usage policy (the roles it names, and only while it may be kept)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from hub.db.models import ImportedRecord
from hub.queries.reader import Reader
from hub.queries.records import Page, count, page

KIND = "ImportedRecord"


async def usage_allows(reader: Reader) -> ColumnElement[bool]:
    """The records whose ODRL policy lets the caller's role read them today."""
    access = await reader.access()
    today = reader.clock.today()
    return and_(
        ImportedRecord.read_by.contains(f" {access.role} ", autoescape=True),
        or_(ImportedRecord.retain_until.is_(None), ImportedRecord.retain_until >= today),
    )


async def imported_page(reader: Reader, first: int, after: int | None, current_only: bool) -> Page:
    where = [await usage_allows(reader)]
    if current_only:
        where.append(ImportedRecord.superseded_by_iri.is_(None))
    return await page(reader, KIND, *where, first=first, after=after)


async def imported_count(reader: Reader, current_only: bool) -> int:
    where = [await usage_allows(reader)]
    if current_only:
        where.append(ImportedRecord.superseded_by_iri.is_(None))
    return await count(reader, KIND, *where)

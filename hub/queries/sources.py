"""Reading the other data sources' figures (hub/sources) under the caller's policy: an enterprise its own,
the regulator all, any other role none (policy/policy.yaml, SourceRecord)."""

from __future__ import annotations

from datetime import date

from hub.db.models import SourceRecord
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch

MAX_ROWS = 1000  # one answer; ask again with a later period for more


async def source_records(
    reader: Reader,
    *,
    kind: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    first: int = 100,
) -> list[Record]:
    """The readable source figures matching the filters, in period order, at most `first` (<= MAX_ROWS)."""
    where = []
    if kind is not None:
        where.append(SourceRecord.kind == kind)
    if period_from is not None:
        where.append(SourceRecord.period_start >= period_from)
    if period_to is not None:
        where.append(SourceRecord.period_end <= period_to)
    order = [SourceRecord.period_start, SourceRecord.org_id, SourceRecord.item, SourceRecord.id]
    return await fetch(reader, "SourceRecord", *where, order_by=order, limit=max(0, min(first, MAX_ROWS)))

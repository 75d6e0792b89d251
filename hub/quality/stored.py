"""The quality results in force: per footprint, the newest stored check (results are never edited)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint, QualityResult


async def newest_results(session: AsyncSession, footprint_ids: Sequence[int]) -> dict[int, QualityResult]:
    """The newest quality result of each footprint that has one."""
    newest = (
        select(func.max(QualityResult.id))
        .where(QualityResult.footprint_id.in_(footprint_ids))
        .group_by(QualityResult.footprint_id)
    )
    rows = await session.scalars(select(QualityResult).where(QualityResult.id.in_(newest)))
    return {row.footprint_id: row for row in rows}


async def summary_line(session: AsyncSession, footprint_ids: Sequence[int]) -> str:
    """How many of the footprints have a quality result, by status (for the demo loader's progress)."""
    results = await newest_results(session, footprint_ids)
    counts = Counter(r.status for r in results.values())
    return (
        f"data quality: {len(results)} footprints checked ({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})"
    )


async def newest_label_facts(session: AsyncSession, footprint_ids: Sequence[int]) -> dict[str, dict[str, Any]]:
    """By footprint IRI, what the label rules read of its newest quality result (`quality.status`, `.failed`)."""
    results = await newest_results(session, footprint_ids)
    rows = await session.execute(select(Footprint.id, Footprint.iri).where(Footprint.id.in_(list(results))))
    iris: dict[int, str] = {fid: iri for fid, iri in rows}
    return {iris[fid]: {"status": r.status, "failed": r.status == "failure"} for fid, r in results.items()}

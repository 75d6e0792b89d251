"""Category benchmarks: statistics per key product and declared unit over published footprints only, each
product counted once (its newest published footprint) and only when an accredited body verified it
(hub/queries/current.py `benchmarked`).

A benchmark is a published statistic: whatever the caller's role, it is computed from published
footprints and nothing else, and the policy decides which of its fields the role may read. A group too
small to hide its members (the policy's `minimum_group`: a statistic over one footprint is that footprint)
is withheld: its count and statistics are null and `withheld` says why, never an approximate value.
"""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from hub.db.models import Footprint, Product, ProductCategory
from hub.queries.current import benchmarked
from hub.queries.reader import Reader
from hub.queries.records import Record

STATISTICS = ("footprint_count", "min_kgco2e", "mean_kgco2e", "max_kgco2e")


def _reason(footprints: int, enterprises: int) -> str:
    return f"fewer than {footprints} published footprints of {enterprises} enterprises: too few to show"


async def category_benchmarks(reader: Reader, category_code: str | None = None) -> list[Record]:
    access = await reader.access()
    if not access.grants("CategoryBenchmark"):
        return []
    readable = access.readable_fields("CategoryBenchmark")
    per_unit = Footprint.total_kgco2e / Footprint.declared_unit_amount
    stmt = (
        select(
            Product.category_id,
            Footprint.declared_unit,
            func.count(),
            func.count(distinct(Product.owner_id)),
            func.min(per_unit),
            func.avg(per_unit),
            func.max(per_unit),
        )
        .join(Product, Product.id == Footprint.product_id)
        .where(benchmarked())
        .group_by(Product.category_id, Footprint.declared_unit)
        .order_by(Product.category_id, Footprint.declared_unit)
    )
    if category_code is not None:
        stmt = stmt.where(
            Product.category_id.in_(select(ProductCategory.id).where(ProductCategory.code == category_code))
        )
    group = access.policy.minimum_group
    out: list[Record] = []
    for row in await reader.execute(stmt):
        category_id, unit, n, enterprises, low, mean, high = tuple(row)
        values = {
            "category": category_id,
            "declared_unit": unit,
            "footprint_count": n,
            "min_kgco2e": low,
            "mean_kgco2e": mean,
            "max_kgco2e": high,
            "withheld": None,
        }
        if not group.met(access.role, n, enterprises):
            values.update(dict.fromkeys(STATISTICS), withheld=_reason(group.footprints, group.enterprises))
        rec: Record = {"_kind": "CategoryBenchmark", "_id": f"{category_id}:{unit}"}
        rec.update({k: v for k, v in values.items() if k in readable})
        out.append(rec)
    return out

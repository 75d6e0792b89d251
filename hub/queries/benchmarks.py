"""Category benchmarks: statistics per key product and declared unit over published footprints only.

A benchmark is a published statistic: whatever the caller's role, it is computed from published
footprints and nothing else, and the policy decides which of its fields the role may read.
"""

from __future__ import annotations

from sqlalchemy import func, select

from hub.db.models import Footprint, Product, ProductCategory
from hub.domain.codes import FootprintStatus
from hub.queries.reader import Reader
from hub.queries.records import Record


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
            func.min(per_unit),
            func.avg(per_unit),
            func.max(per_unit),
        )
        .join(Product, Product.id == Footprint.product_id)
        .where(Footprint.status == FootprintStatus.PUBLISHED)
        .group_by(Product.category_id, Footprint.declared_unit)
        .order_by(Product.category_id, Footprint.declared_unit)
    )
    if category_code is not None:
        stmt = stmt.where(
            Product.category_id.in_(select(ProductCategory.id).where(ProductCategory.code == category_code))
        )
    out: list[Record] = []
    for category_id, unit, n, low, mean, high in await reader.execute(stmt):
        values = {
            "category": category_id,
            "declared_unit": unit,
            "footprint_count": n,
            "min_kgco2e": low,
            "mean_kgco2e": mean,
            "max_kgco2e": high,
        }
        rec: Record = {"_kind": "CategoryBenchmark", "_id": f"{category_id}:{unit}"}
        rec.update({k: v for k, v in values.items() if k in readable})
        out.append(rec)
    return out

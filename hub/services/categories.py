"""The reference product categories: the plan's 19 industries and 52 key products."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import ProductCategory
from hub.resources import data_dir
from hub.services.origin import Origin, category_iri


@dataclass(frozen=True)
class KeyProduct:
    code: str
    industry_code: str
    industry_zh: str
    industry_en: str
    product_zh: str
    product_en: str
    stat_path_zh: str
    stat_code: str


def key_products() -> list[KeyProduct]:
    """The rows of schema/codelists/key-products.csv, in the plan's order."""
    path = data_dir("schema") / "codelists" / "key-products.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return [
            KeyProduct(
                r["code"],
                r["industry_code"],
                r["industry_zh"],
                r["industry_en"],
                r["product_zh"],
                r["product_en"],
                r["stat_class_path_zh"],
                r["stat_class_code"],
            )
            for r in csv.DictReader(f)
        ]


async def load_key_products(session: AsyncSession, origin: Origin, base_iri: str) -> int:
    """Create the industries and key products that are not there yet; returns how many were created."""
    existing = set(await session.scalars(select(ProductCategory.code)))
    industries: dict[str, ProductCategory] = {
        c.code: c for c in await session.scalars(select(ProductCategory).where(ProductCategory.level == "industry"))
    }
    created = 0
    for seq, row in enumerate(key_products(), start=1):
        if row.industry_code not in industries:
            industry = ProductCategory(
                iri=category_iri(base_iri, row.industry_code),
                code=row.industry_code,
                level="industry",
                seq=int(row.industry_code.split("-")[1]),
                name_zh=row.industry_zh,
                name_en=row.industry_en,
            )
            origin.stamp(industry)
            session.add(industry)
            industries[row.industry_code] = industry
            created += 1
            await session.flush()
        if row.code in existing:
            continue
        product = ProductCategory(
            iri=category_iri(base_iri, row.code),
            code=row.code,
            level="product",
            seq=seq,
            parent_id=industries[row.industry_code].id,
            name_zh=row.product_zh,
            name_en=row.product_en,
            stat_code=row.stat_code,
            stat_path_zh=row.stat_path_zh,
        )
        origin.stamp(product)
        session.add(product)
        created += 1
    await session.flush()
    return created

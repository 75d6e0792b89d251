"""The demo data: what it holds, and that every figure traces back to a factor and its source."""

from __future__ import annotations

import math

from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.db.models import EmissionFactor, Footprint, InventoryLine, Organization, Product, ProductCategory
from hub.domain.codes import OrgKind, Region, SourceKind

DEMO_PRODUCTS = {"KP-46", "KP-47", "KP-28", "KP-31", "KP-10", "KP-04", "KP-17", "KP-51"}


async def test_demo_holds_the_plan_categories_and_the_cast(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        levels = dict(
            (await session.execute(select(ProductCategory.level, func.count()).group_by(ProductCategory.level))).all()
        )
        kinds = set(await session.scalars(select(Organization.kind)))
        regions = set(await session.scalars(select(Organization.region).where(Organization.kind == OrgKind.ENTERPRISE)))
        factors = await session.scalar(select(func.count()).select_from(EmissionFactor))
    assert levels == {"industry": 19, "product": 52}
    assert kinds == set(OrgKind)
    assert regions == {Region.ZJ, Region.YRD, Region.GBA}
    assert factors is not None and factors >= 24


async def test_demo_footprints_cover_the_eight_products_and_trace_to_factors(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        rows = (
            await session.execute(
                select(Footprint, ProductCategory.code).select_from(Footprint).join(Product).join(ProductCategory)
            )
        ).all()
        lines = (
            await session.execute(
                select(InventoryLine, EmissionFactor).outerjoin(
                    EmissionFactor, EmissionFactor.id == InventoryLine.emission_factor_id
                )
            )
        ).all()
    assert {code for _, code in rows} >= DEMO_PRODUCTS
    assert all(fp.source is SourceKind.DEMO and fp.source_ref for fp, _ in rows)
    by_footprint: dict[int, float] = {}
    for line, factor in lines:
        by_footprint[line.footprint_id] = by_footprint.get(line.footprint_id, 0.0) + line.kgco2e
        if factor is not None:
            assert factor.illustrative and factor.source_citation
            assert math.isclose(line.kgco2e, line.amount * factor.value_kgco2e_per_unit, rel_tol=1e-9)
    for fp, _ in rows:
        assert math.isclose(by_footprint[fp.id], fp.total_kgco2e, rel_tol=1e-9)


async def test_demo_battery_footprint_is_in_the_published_range(demo_hub: Hub) -> None:
    # Hao et al. 2017 and Xu et al. 2022 put Chinese LFP packs and cells at about 41-109 kgCO2e per kWh.
    async with demo_hub.sessions() as session:
        totals = list(
            await session.scalars(
                select(Footprint.total_kgco2e)
                .select_from(Footprint)
                .join(Product)
                .join(ProductCategory)
                .where(ProductCategory.code == "KP-46")
            )
        )
    assert len(totals) >= 10
    assert all(41 <= t <= 120 for t in totals)

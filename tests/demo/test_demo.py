"""The demo data: what it holds, and that every figure traces back to a factor and its source."""

from __future__ import annotations

import math

from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.db.models import (
    AuditEvent,
    Decision,
    EmissionFactor,
    Footprint,
    InventoryLine,
    Label,
    Organization,
    Product,
    ProductCategory,
)
from hub.domain.codes import FootprintStatus, LabelStatus, OrgKind, Region, SourceKind

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


async def test_demo_shows_every_stage_of_a_footprints_life(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        rows = (await session.execute(select(Footprint.status, Footprint.verifier_id))).all()
        withdrawn = await session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "status:withdrawn").order_by(AuditEvent.id)
        )
    assert {status for status, _ in rows} == set(FootprintStatus)
    assert all(verifier for status, verifier in rows if status is FootprintStatus.SUBMITTED), (
        "a submitted footprint names the verifier who may continue its life"
    )
    assert withdrawn == {"from": "published", "reason": "superseded (demo)"}


async def test_demo_labels_are_in_every_state_with_the_rules_engines_grade(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        rows = (await session.execute(select(Label, Footprint.status).join(Footprint))).all()
        grades = {
            label.id: await session.scalar(
                select(Decision.grade)
                .where(Decision.footprint_id == label.footprint_id, Decision.kind == "label_grade")
                .order_by(Decision.id.desc())
                .limit(1)
            )
            for label, _ in rows
        }
    held = sorted(label.status.value for label, _ in rows)
    every_but_superseded = sorted([*(s.value for s in LabelStatus if s is not LabelStatus.SUPERSEDED), "issued"])
    assert held == every_but_superseded
    assert all(status is FootprintStatus.PUBLISHED for _, status in rows)
    for label, _ in rows:
        if label.status is LabelStatus.ISSUED:
            assert label.expires_on and label.expires_on > demo_hub.clock.today(), "validity from the clock"
    assert all(label.grade and label.grade == grades[label.id] for label, _ in rows)


async def test_the_public_reads_the_demos_issued_labels(demo_hub: Hub) -> None:
    import httpx

    from hub.app import create_app

    app = create_app(hub=demo_hub)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        reply = await client.post("/graphql", json={"query": "{ labels { grade status } }"})
    labels = reply.json()["data"]["labels"]
    # every label once issued, whatever it is now; none that was only applied for, certified or filed
    assert sorted(label["status"] for label in labels) == ["expired", "issued", "issued", "revoked", "suspended"]

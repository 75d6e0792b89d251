"""The facts the quality rules read from the other sources, on the demo files: per declared unit, for the
footprint's enterprise and reference period, absent where no source covers them (issue 14 item 4)."""

from __future__ import annotations

from datetime import date
from statistics import median

import pytest
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db.models import Footprint, InventoryLine, Organization, Product
from hub.sources.facts import (
    ELECTRICITY,
    EMISSIONS,
    FUEL,
    Covered,
    covered_by,
    source_facts_for,
    source_facts_of,
    source_provenance_for,
)

YEAR = {"period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31)}
CEMENT, PV, BATTERY, APPAREL = "913302007MA27K7Q3M", "913301006MA26K7Q3D", "913305008MA28K7Q38", "913306001MA21K7Q3P"


async def test_an_enterprise_whose_sources_agree_with_its_footprint(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        facts = await source_facts_for(session, credit_code=CEMENT, declared_unit="t", **YEAR)
        per_kg = await source_facts_for(session, credit_code=CEMENT, declared_unit="kg", **YEAR)
    assert facts[ELECTRICITY] == pytest.approx(55.0, rel=1e-6)  # the demo clinker's 55 kWh per t
    assert facts[FUEL] == pytest.approx(3300 + 60, rel=1e-4)  # kiln coal and quarry diesel, via their NCVs
    # verified scope 1 (calcination, coal, diesel) and scope 2 (55 kWh at 0.5366 kgCO2/kWh) per t
    assert facts[EMISSIONS] == pytest.approx(520 + 3300 * 0.09531 + 60 * 0.07435 + 55 * 0.5366, rel=1e-4)
    assert per_kg[ELECTRICITY] == pytest.approx(0.055, rel=1e-6)  # pint: the output in t, per kg declared


async def test_the_demo_pv_maker_uses_more_electricity_than_its_footprints_state(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        facts = await source_facts_for(session, credit_code=PV, declared_unit="m2", **YEAR)
        stated = list(
            await session.scalars(
                select(InventoryLine.amount)
                .join(Footprint, Footprint.id == InventoryLine.footprint_id)
                .join(Product, Product.id == Footprint.product_id)
                .join(Organization, Organization.id == Product.owner_id)
                .where(Organization.credit_code == PV, InventoryLine.unit == "kWh")
            )
        )
    assert facts == {ELECTRICITY: pytest.approx(42.0)}  # no fuel rows, no verified report
    assert stated and facts[ELECTRICITY] / median(stated) >= 1.3  # its footprints: about 30 kWh per m2


async def test_outputs_in_another_unit_and_the_product_route(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        battery = await session.scalar(select(Organization.id).where(Organization.credit_code == BATTERY))
        product = await session.scalar(select(Product.id).where(Product.owner_id == battery).limit(1))
        by_product = await source_facts_for(session, product_id=product, declared_unit="kWh", **YEAR)
        by_org = await source_facts_for(session, org_id=battery, declared_unit="kWh", **YEAR)
    assert by_product == by_org
    assert by_org[ELECTRICITY] == pytest.approx(12.0) and by_org[FUEL] == pytest.approx(20.0, rel=1e-4)
    assert by_org[EMISSIONS] == pytest.approx(20 * 0.05616 + 12 * 0.5366, rel=1e-4)  # output in MWh of capacity


@pytest.mark.parametrize(
    ("code", "unit", "period", "expected"),
    [
        (APPAREL, "piece", YEAR, set()),  # no source reports the enterprise
        (CEMENT, "piece", YEAR, set()),  # t of clinker do not convert to pieces
        (CEMENT, "t", {"period_start": date(2023, 1, 1), "period_end": date(2023, 12, 31)}, set()),
        (CEMENT, "t", {"period_start": date(2024, 1, 1), "period_end": date(2025, 12, 31)}, set()),  # 2025 missing
        # a half year: the monitored months cover it, the yearly verified report does not
        (CEMENT, "t", {"period_start": date(2024, 1, 1), "period_end": date(2024, 6, 30)}, {ELECTRICITY, FUEL}),
        (CEMENT, "t", {"period_start": date(2024, 1, 15), "period_end": date(2024, 12, 31)}, set()),
    ],
)
async def test_a_fact_is_absent_where_no_source_covers_it(
    demo_hub: Hub, code: str, unit: str, period: dict[str, date], expected: set[str]
) -> None:
    async with demo_hub.sessions() as session:
        assert set(await source_facts_for(session, credit_code=code, declared_unit=unit, **period)) == expected


async def test_the_provenance_of_the_facts_names_each_dataset_and_its_rows(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        org = await session.scalar(select(Organization.id).where(Organization.credit_code == CEMENT))
        assert org is not None
        found = await source_provenance_for(session, Covered(org, date(2024, 1, 1), date(2024, 12, 31), "t"))
    assert [p.kind for p in found] == ["energy-monitoring", "verified-emissions"]
    monitoring, verified = found
    assert monitoring.file == "energy-monitoring-2024.csv" and len(monitoring.rows) == 48  # 12 months x 4 items
    assert verified.rows == (2, 3, 4) and verified.content_hash.startswith("sha256:")
    assert monitoring.publisher and monitoring.licence and monitoring.imported_by.endswith("/org/zj-regulator")


async def test_a_stored_footprint_gets_its_facts_and_their_provenance(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        org, footprint = (
            await session.execute(
                select(Organization.id, Footprint)
                .join(Product, Product.owner_id == Organization.id)
                .join(Footprint, Footprint.product_id == Product.id)
                .where(Organization.credit_code == BATTERY)
                .limit(1)
            )
        ).one()
        facts = await source_facts_of(session, footprint)
        provenance = await source_provenance_for(session, covered_by(footprint, org))
    assert set(facts) == {ELECTRICITY, FUEL, EMISSIONS}  # the demo battery footprints: per kWh, 2024
    assert {p.kind for p in provenance} == {"energy-monitoring", "verified-emissions"}

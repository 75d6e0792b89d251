"""Issue 10 item 3 and "how to keep it right": every demo factor says what it covers, CO2 is never used as CO2e,
and the demo's electricity comes from carbon-footprint factors (kgCO2e), by grid region.

Before this, the demo footprints used the MEE/NBS grid factors for the CO2 of electricity consumption
(kgCO2/kWh, East China 0.5500) as if they were CO2e, and Guangdong enterprises used the East China grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db.models import EmissionFactor, Footprint, InventoryLine
from hub.domain.codes import GasCoverage
from hub.services import footprints
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput
from tests.services.test_bad_input import ACTOR, _a_footprint_input, _counts

DATA = Path(__file__).resolve().parents[2] / "hub" / "demo" / "data"
FACTORS = yaml.safe_load((DATA / "emission-factors.yaml").read_text(encoding="utf-8"))["factors"]


@pytest.mark.parametrize("row", FACTORS, ids=[r["key"] for r in FACTORS])
def test_every_demo_factor_cites_its_source_gases_boundary_and_unit(row: dict[str, Any]) -> None:
    assert len(row["citation"]) >= 20, "a citation names the publication and the figure"
    assert row["gases_covered"] in {g.value for g in GasCoverage}
    assert len(row["boundary"]) >= 10
    assert row["unit"]
    derived = row["dataset"] == "cfhub estimates" or "estimate" in row["activity_name"].lower()
    assert not derived or row["citation"].startswith("Estimate"), "a figure cfhub derived says it is an estimate"


def test_electricity_factors_are_co2e_footprint_factors_with_the_published_values() -> None:
    by_key = {r["key"]: r for r in FACTORS}
    assert (by_key["grid-cn-footprint-2023"]["value"], by_key["grid-cn-footprint-2024"]["value"]) == (0.6205, 0.5777)
    for key in ("grid-cn-2023", "grid-east-2023", "grid-south-2023"):
        assert by_key[key]["gases_covered"] == "co2", f"{key} is an MEE/NBS CO2 factor"


async def test_demo_lines_use_co2e_factors_and_the_region_grid(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        rows = (
            await session.execute(
                select(EmissionFactor, Footprint.geography_subdivision)
                .join(InventoryLine, InventoryLine.emission_factor_id == EmissionFactor.id)
                .join(Footprint, Footprint.id == InventoryLine.footprint_id)
            )
        ).all()
    assert rows
    assert {f.gases_covered for f, _ in rows} == {"co2e"}
    grids = {(sub, f.region, f.value_kgco2e_per_unit) for f, sub in rows if f.activity_name.startswith("Electricity")}
    assert {g for g in grids if g[0] == "CN-GD"} == {("CN-GD", "CN-SOUTH-GRID", 0.4727)}
    assert {g[1:] for g in grids if g[0] != "CN-GD"} == {("CN", 0.5777)}


async def test_a_co2_only_factor_is_refused_in_a_footprint_naming_the_line(demo_hub: Hub) -> None:
    data = await _a_footprint_input(demo_hub)
    async with demo_hub.sessions() as session:
        co2 = await session.scalar(select(EmissionFactor.iri).where(EmissionFactor.gases_covered == "co2").limit(1))
    data["inventory"] = [
        {
            "stage": "production",
            "activity": "Electricity",
            "amount": 1,
            "unit": "kWh",
            "kgco2e": 90.0,
            "emission_factor_iri": co2,
        }
    ]
    before = await _counts(demo_hub)
    with pytest.raises(InvalidInput) as refused:
        async with unit_of_work(demo_hub.sessions) as session:
            await footprints.create_footprint(session, data, ACTOR, demo_hub.settings.base_iri)
    # the accounting may name the line's figures too (hub/accounting); the factor's coverage is named on it
    reasons = {error.path: error.reason for error in refused.value.errors}
    assert "covers CO2 only" in reasons["$.inventory[0].emission_factor_iri"]
    assert await _counts(demo_hub) == before

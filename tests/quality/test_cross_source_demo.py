"""The cross-source rules read the hub's own source datasets (hub/sources -> hub/quality/sources.py): on the demo,
whose monitored energy use and verified reports are loaded before the footprints are checked, footprints that a
dataset covers are compared with it (some agree, some do not), and footprints no dataset covers are not
applicable, never a silent pass."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db.models import Footprint, QualityResult
from hub.quality.sources import source_facts

CROSS = ("electricity_cross_source", "fuel_cross_source", "emissions_cross_source")


async def test_demo_footprints_are_compared_with_the_source_datasets_that_cover_them(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        results = list(await session.scalars(select(QualityResult)))
        outcomes = Counter(
            (finding["rule"], finding["status"])
            for result in results
            for finding in result.findings
            if finding["rule"] in CROSS
        )
        covered = [fp for fp in await session.scalars(select(Footprint)) if await source_facts(session, fp)]
    assert outcomes[("electricity_cross_source", "pass")] > 0
    assert outcomes[("electricity_cross_source", "warning")] + outcomes[("electricity_cross_source", "failure")] > 0
    assert outcomes[("electricity_cross_source", "not_applicable")] > 0
    applicable = sum(
        n for (rule, status), n in outcomes.items() if rule == "electricity_cross_source" and status != "not_applicable"
    )
    assert len(covered) > 0 and applicable <= len(covered)


async def test_the_hook_speaks_the_rules_names(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        for fp in await session.scalars(select(Footprint)):
            facts = await source_facts(session, fp)
            if facts:
                assert set(facts) <= {"electricity_kwh_per_unit", "fuel_mj_per_unit", "emissions_kgco2e_per_unit"}
                assert all(value > 0 for value in facts.values())
                return
    raise AssertionError("no demo footprint is covered by a source dataset")

"""The cross-source facts: what other sources say about a footprint, per its declared unit.

The datasets of hub/sources (monitored energy use of key energy-using units 重点用能单位能耗监测, verified emission
reports 核查数据, imported as CSV with provenance: docs/sources.md) plug in here, and nowhere else: the quality
rules (rulesets/quality, `*_cross_source`) read exactly the facts this returns and compare them with the
footprint's own (`quality.electricity_kwh_per_unit`, `quality.fuel_mj_per_unit`,
`quality.production_kgco2e_per_unit`).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint
from hub.decisions.facts import SOURCE_FACTS
from hub.sources.facts import source_facts_of

__all__ = ["SOURCE_FACTS", "source_facts"]
PREFIX = "source."


async def source_facts(session: AsyncSession, footprint: Footprint) -> dict[str, float]:
    """The other sources' figures for `footprint`, per its declared unit, keyed by the names in SOURCE_FACTS
    (without the `source.` prefix): `electricity_kwh_per_unit` and `fuel_mj_per_unit` from monitored energy use,
    `emissions_kgco2e_per_unit` from a verified emission report. A key is absent when no dataset covers the
    footprint's enterprise and whole reference period (hub/sources/facts.py)."""
    found = await source_facts_of(session, footprint)
    return {name.removeprefix(PREFIX): value for name, value in found.items()}

"""Which inventory lines are electricity and which fuels (rulesets/quality/energy.yaml), and their sums per
declared unit in kWh and MJ, converted with the hub's pint registry (hub/units)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from hub.quality.inputs import Line
from hub.resources import data_dir
from hub.units import Units


@dataclass(frozen=True)
class EnergyWords:
    electricity: tuple[str, ...]
    fuel: tuple[str, ...]

    def is_electricity(self, line: Line) -> bool:
        name = (line.activity or "").casefold()
        return any(name.startswith(word.casefold()) for word in self.electricity)

    def is_fuel(self, line: Line) -> bool:
        name = (line.activity or "").casefold()
        return not self.is_electricity(line) and any(word.casefold() in name for word in self.fuel)


@cache
def shipped_words() -> EnergyWords:
    data: Mapping[str, Any] = yaml.safe_load((data_dir("rulesets") / "quality" / "energy.yaml").read_text("utf-8"))
    return EnergyWords(tuple(data["electricity"]["activity_starts_with"]), tuple(data["fuel"]["activity_contains"]))


def energy_facts(units: Units, words: EnergyWords, lines: Sequence[Line], amount: float) -> dict[str, float]:
    """Electricity (kWh), fuels (MJ), the production stage (kgCO2e), each per declared unit, and the grid factor
    the electricity lines imply (absent without electricity)."""
    energy = [line for line in lines if units.dimension_of.get(line.unit) == "energy"]
    electricity = [line for line in energy if words.is_electricity(line)]
    kwh = sum(units.convert(line.amount, line.unit, "kWh") for line in electricity)
    facts = {
        "electricity_kwh_per_unit": kwh / amount,
        "fuel_mj_per_unit": sum(units.convert(line.amount, line.unit, "MJ") for line in energy if words.is_fuel(line))
        / amount,
        "production_kgco2e_per_unit": sum(line.kgco2e for line in lines if line.stage == "production") / amount,
    }
    if kwh > 0:
        facts["electricity_kgco2e_per_kwh"] = sum(line.kgco2e for line in electricity) / kwh
    return facts

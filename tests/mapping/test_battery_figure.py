"""Issue 10 item 1: the EU battery carbon footprint is per kWh of the total energy a battery delivers over its
service life, not per kWh of rated capacity (hundreds to thousands of times larger).

Before this, a footprint per kWh of capacity (94 kgCO2e) went to the battery passport as the EU figure, and
the international KP-46 rule passed any footprint whose declared unit was spelt "kWh"."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hub.decisions.facts import footprint_facts
from hub.mapping import load_catalog
from rules_engine import load_registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "schema/examples/footprint-document/kp46-battery.json").read_text(encoding="utf-8"))
ON = date(2026, 6, 1)


def _battery(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(EXAMPLE)
    for name in ("battery_capacity_kwh", "battery_lifetime_energy_kwh"):
        doc.pop(name, None)
    doc.update(changes)
    return doc


def _passport(doc: dict[str, Any]) -> Any:
    return load_catalog().get("battery-passport", "export").map(doc)


def test_the_passport_figure_is_per_kwh_of_lifetime_energy() -> None:
    doc = _battery(battery_capacity_kwh=1.0, battery_lifetime_energy_kwh=2000.0)
    result = _passport(doc)
    assert "batteryCarbonFootprint" not in dict(result.errors)
    assert result.output["batteryCarbonFootprint"] == pytest.approx(doc["total_kgco2e"] / 2000.0)
    stages = result.output["carbonFootprintPerLifecycleStage"]
    assert sum(s["carbonFootprint"] for s in stages) == pytest.approx(doc["total_kgco2e"] / 2000.0)


def test_without_lifetime_energy_the_passport_refuses_with_the_reason() -> None:
    result = _passport(_battery())
    errors = dict(result.errors)
    assert "batteryCarbonFootprint" not in result.output
    assert "lifetime energy" in errors["batteryCarbonFootprint"]


def _intl_eligible(doc: dict[str, Any]) -> tuple[bool, list[str]]:
    facts = footprint_facts(doc, ON, {"n": 0})
    facts["fp"].update(verifier_accredited=True)  # the example's verifier, taken as accredited for this test
    decision = load_registry(ROOT / "rulesets").decide("recognition", "INTL", facts, ON)
    return decision.outcome["eligible"], decision.outcome.get("reasons", [])


def test_the_international_rule_checks_the_unit_meaning_not_the_string() -> None:
    eligible, reasons = _intl_eligible(_battery())
    assert "per_kwh_of_lifetime_energy" in reasons and not eligible
    _, reasons = _intl_eligible(_battery(battery_capacity_kwh=1.0, battery_lifetime_energy_kwh=2000.0))
    assert "per_kwh_of_lifetime_energy" not in reasons

"""Battery passport and Catena-X PCF: their own rules, and Catena-X added with YAML only."""

import json
import os
from pathlib import Path

import jsonschema
import pytest

from hub.jsonld.datadir import MAPPINGS_DIR
from hub.mapping import load_catalog
from tests.mapping.helpers import all_examples, example

CATALOG = load_catalog()
ROOT = Path(__file__).resolve().parents[2]


def test_battery_passport_per_kwh_of_lifetime_energy_and_stages() -> None:
    """Issue 10 item 1: per kWh of the energy delivered over the service life, never per kWh of capacity."""
    per_capacity = CATALOG.get("battery-passport").map(example("kp46-battery"))
    assert "batteryCarbonFootprint" not in per_capacity.output
    assert "lifetime energy" in dict(per_capacity.errors)["batteryCarbonFootprint"]
    result = CATALOG.get("battery-passport").map(
        {**example("kp46-battery"), "battery_capacity_kwh": 1.0, "battery_lifetime_energy_kwh": 2000.0}
    )
    out = result.output
    assert out["batteryCarbonFootprint"] == pytest.approx(96.5 / 2000)
    assert out["carbonFootprintPerLifecycleStage"] == [
        {"lifecycleStage": "RawMaterialExtraction", "carbonFootprint": pytest.approx(70.1 / 2000)},
        {"lifecycleStage": "MainProduction", "carbonFootprint": pytest.approx(26.4 / 2000)},
    ]
    assert CATALOG.validate_output("battery-passport", out) == []
    assert [f for f, _ in result.errors] == ["carbonFootprintPerformanceClass"]


def test_battery_passport_refuses_other_products() -> None:
    result = CATALOG.get("battery-passport").map(example("kp28-clinker"))
    assert "batteryCarbonFootprint" in dict(result.errors)
    assert "KP-46" in dict(result.errors)["batteryCarbonFootprint"]


def test_catenax_needs_no_python() -> None:
    folder = MAPPINGS_DIR / "catenax-pcf"
    assert not list(folder.rglob("*.py"))
    for path in (ROOT / "hub" / "mapping").glob("*.py"):
        assert "catena" not in path.read_text(encoding="utf-8").lower(), path


@pytest.mark.parametrize("name", sorted(all_examples()))
def test_catenax_output_misses_only_what_zj_cannot_say(name: str) -> None:
    result = CATALOG.get("catenax-pcf").map(all_examples()[name])
    # The example T-shirt states none of the method facts Catena-X requires; the others state them all.
    expected = (
        [
            "allocationWasteIncineration",
            "ccsTechnologicalCO2CaptureIncluded",
            "freeAttributionInMassBalancing",
            "massBalancingCertificateScheme",
            "massBalancingUsed",
        ]
        if name == "kp10-tshirt"
        else []
    )
    if name == "kp17-r32":  # gate to gate: Catena-X has no such PCF
        expected.append("partialFullPcf")
    assert sorted(f.rsplit(".", 1)[-1] for f, _ in result.errors) == sorted(expected)
    problems = CATALOG.validate_output("catenax-pcf", result.output)
    keys = ("ccsTechnological", "technology", "massBalancing", "allocation", "partialFullPcf")
    for p in problems:
        assert any(k in p for k in keys), p


def test_catenax_against_the_official_model_schema() -> None:
    shared = Path(os.environ.get("CFHUB_SHARED_DIR", ROOT.parent / "shared"))
    path = shared / "reference" / "catenax-pcf" / "pcf-9.0.0" / "Pcf-schema.json"
    if not path.exists():
        pytest.skip(f"Catena-X reference schema not found at {path} (set CFHUB_SHARED_DIR)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    output = CATALOG.get("catenax-pcf").map(example("kp46-battery")).output
    output.pop("cfhubMapping")
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(output)]
    assert errors == [], "a battery footprint that states its method facts is valid Catena-X PCF 9.0.0"
    lacking = CATALOG.get("catenax-pcf").map(example("kp10-tshirt")).output
    lacking.pop("cfhubMapping")
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(lacking)]
    assert errors, "the method facts a record lacks must show up"
    for message in errors:
        assert any(
            k in message
            for k in ("ccsTechnological", "technology", "massBalancing", "allocationWaste", "allocationInForeground")
        ), message

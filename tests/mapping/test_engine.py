"""The compiled engine: one generated function per mapping, bad records reported field by field
(never an exception), and what is lost or approximated named per record."""

import copy
from typing import Any

import pytest

from hub.mapping import MappingResult, load_catalog
from tests.mapping.helpers import all_examples, example

CATALOG = load_catalog()


def test_catalog_lists_targets_and_directions() -> None:
    assert CATALOG.targets() == ["battery-passport", "catenax-pcf", "gba", "pact", "yrd"]
    for target in ("pact", "yrd", "gba"):
        assert CATALOG.get(target, "import").mapping.direction == "import"
    with pytest.raises(KeyError, match="no import mapping for target 'battery-passport'"):
        CATALOG.get("battery-passport", "import")


def test_mapping_is_compiled_once_into_python() -> None:
    mapper = CATALOG.get("pact")
    assert mapper.compiled.fn is CATALOG.get("pact").compiled.fn
    source = mapper.compiled.source
    assert source.startswith("def ")
    assert "yaml" not in source
    assert "src.get('total_kgco2e')" in source
    assert mapper.compiled.fn.__code__.co_filename == "<mapping mappings/pact/zj-to-pact.yaml>"


@pytest.mark.parametrize(
    "bad",
    [None, "a string", 42, [], {"iri": 5, "product": "not an object", "total_kgco2e": "lots", "stages": "x"}],
    ids=["none", "string", "number", "list", "wrong-types"],
)
@pytest.mark.parametrize("target", ["pact", "yrd", "gba", "battery-passport", "catenax-pcf"])
def test_bad_records_never_raise(target: str, bad: Any) -> None:
    result = CATALOG.get(target).map(bad)
    assert isinstance(result, MappingResult)
    assert result.errors, "a bad record must report errors"
    assert all(isinstance(f, str) and isinstance(r, str) and r for f, r in result.errors)


def test_a_bad_field_fails_alone_and_names_why() -> None:
    doc = example("kp46-battery")
    doc["total_kgco2e"] = "lots"
    doc["reference_period_start"] = "2024-13-45"
    result = CATALOG.get("pact").map(doc)
    errors = dict(result.errors)
    assert errors["pcf.pcfExcludingBiogenicUptake"] == "'lots' is not a number"
    assert errors["pcf.referencePeriodStart"] == "'2024-13-45' is not a iso-date date"
    assert len(result.errors) == 2
    assert result.output["pcf"]["fossilGhgEmissions"] == "95.9"


def test_draft_footprint_is_not_shared_with_pact() -> None:
    doc = example("kp28-clinker")
    doc["status"] = "draft"
    result = CATALOG.get("pact").map(doc)
    assert ("status", "'draft' has no entry in the value map") in result.errors
    assert "status" not in result.output


def test_lost_and_approximated_are_reported() -> None:
    result = CATALOG.get("pact").map(example("kp46-battery"))
    lost = dict(result.lost)
    assert lost["inventory"] == "Private activity data (实景数据) never leaves the hub."
    assert "owner.name_zh" in lost
    approx = dict(result.approximated)
    assert "GB/T 24067-2024 has no PACT code" in approx["pcf.crossSectoralStandards"]
    assert approx["productClassifications[1]"].startswith("KP-46 closeMatch hs2022 850760")
    assert result.errors == []


def test_a_key_product_without_hs_code_loses_only_that_field() -> None:
    result = CATALOG.get("pact").map(example("kp10-tshirt"))
    assert result.errors == []
    assert dict(result.lost)["productClassifications[1]"].startswith("KP-10 has no hs2022 crosswalk")
    assert result.output["productClassifications"] == ["urn:cfhub:key-product:KP-10"]


def test_unknown_fields_are_reported_not_dropped_silently() -> None:
    doc = example("kp17-r32")
    doc["colour"] = "blue"
    doc["product"]["weight"] = 3
    lost = dict(CATALOG.get("yrd").map(doc).lost)
    assert lost["colour"] == "not a field of footprint-document.schema.json"
    assert lost["product.weight"] == "not a field of footprint-document.schema.json"


def test_tonnes_become_kilograms_and_only_the_amount_scales() -> None:
    doc = example("kp31-crude-steel")
    pcf = CATALOG.get("pact").map(doc).output["pcf"]
    assert pcf["declaredUnitOfMeasurement"] == "kilogram"
    assert pcf["declaredUnitAmount"] == "1000"
    assert pcf["pcfExcludingBiogenicUptake"] == "1985.0"
    assert pcf["productMassPerDeclaredUnit"] == "1000"


def test_every_output_carries_the_mapping_iri_and_version() -> None:
    for mapper in CATALOG.mappers():
        if mapper.mapping.direction != "export":
            continue
        output = mapper.map(example("kp46-battery")).output
        text = repr(output)
        assert mapper.iri in text and repr(mapper.version) in text, mapper.iri


def test_mapping_does_not_change_its_input() -> None:
    for doc in all_examples().values():
        before = copy.deepcopy(doc)
        for mapper in CATALOG.mappers():
            if mapper.mapping.direction == "export":
                mapper.map(doc)
        assert doc == before


def test_records_never_share_output_objects() -> None:
    mapper = CATALOG.get("catenax-pcf")
    a = mapper.map(example("kp46-battery")).output
    b = mapper.map(example("kp51-meter")).output
    qa = a["pcfAssessmentAndMethodology"][0]["dataSourcesAndQuality"]
    qb = b["pcfAssessmentAndMethodology"][0]["dataSourcesAndQuality"]
    assert qa is not qb
    assert qa[0]["primaryDataShare"] == 38.5 and "primaryDataShare" not in qb[0]

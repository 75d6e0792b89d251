"""The SKOS code lists agree with the enums of hub/domain/codes.py and schema/json/common.schema.json,
and every key product has an honest crosswalk row (a match with a justification, or a stated gap)."""

import json

import pytest
import yaml

from hub.domain import codes
from hub.jsonld.datadir import SCHEMA_DIR
from hub.jsonld.generate import read_key_products
from hub.mapping.codelists import MATCHES, load_codelists

CL = SCHEMA_DIR / "codelists"
COMMON = json.loads((SCHEMA_DIR / "json" / "common.schema.json").read_text(encoding="utf-8"))["$defs"]


def concepts(name: str) -> list[str]:
    return list(yaml.safe_load((CL / f"{name}.yaml").read_text(encoding="utf-8"))["concepts"])


@pytest.mark.parametrize(
    ("file", "enum", "schema_def"),
    [
        ("life-cycle-stages", codes.LifeCycleStage, "lifeCycleStage"),
        ("system-boundaries", codes.SystemBoundary, "systemBoundary"),
        ("footprint-statuses", codes.FootprintStatus, None),
        ("regions", codes.Region, "region"),
        ("org-kinds", codes.OrgKind, "orgKind"),
        ("source-kinds", codes.SourceKind, None),
        ("label-statuses", codes.LabelStatus, None),
        ("dataset-directions", codes.DatasetDirection, None),
        ("gas-coverages", codes.GasCoverage, "gasCoverage"),
    ],
)
def test_concept_scheme_matches_domain_enum_and_schema(file: str, enum: type, schema_def: str | None) -> None:
    assert concepts(file) == [m.value for m in enum]
    if schema_def:
        assert COMMON[schema_def]["enum"] == [m.value for m in enum]


def test_units_cover_the_schema_units_and_convert() -> None:
    cl = load_codelists()
    for unit in COMMON["unit"]["enum"] + COMMON["declaredUnit"]["enum"]:
        assert unit in cl.units, unit
    assert cl.factor("t", "kg") == 1000
    assert cl.factor("kgCO2e", "tCO2e") == 0.001
    assert cl.factor("MWh", "kWh") == 1000
    assert cl.factor("kWh", "MJ") == pytest.approx(3.6)
    with pytest.raises(ValueError, match="cannot convert"):
        cl.factor("kg", "kWh")


def test_key_products_and_crosswalk_rows() -> None:
    rows = read_key_products()
    assert len(rows) == 52
    assert len({r["industry_code"] for r in rows}) == 19
    cross = yaml.safe_load((CL / "key-products-crosswalk.yaml").read_text(encoding="utf-8"))
    assert set(cross["products"]) == {r["code"] for r in rows}
    for code, row in cross["products"].items():
        assert row["name_zh_hant"], code
        for scheme in ("hs2022", "cpc21"):
            target = row[scheme]
            if target is None:
                assert row.get(f"{scheme}_note"), f"{code}: no {scheme} crosswalk and no reason given"
            else:
                assert target["match"] in MATCHES, code
                assert target["justification"] and 0 < target["confidence"] <= 1, code


def test_concept_schemes_are_published_as_skos() -> None:
    graph = json.loads((SCHEMA_DIR / "jsonld" / "codelists.jsonld").read_text(encoding="utf-8"))["@graph"]
    schemes = {n["@id"] for n in graph if n["@type"] == "skos:ConceptScheme"}
    assert "https://w3id.org/cfhub/codes/key-product" in schemes
    kp46 = next(n for n in graph if n["@id"] == "https://w3id.org/cfhub/codes/key-product/KP-46")
    assert kp46["skos:closeMatch"]["@id"].endswith("hs2022/850760")
    assert kp46["cf:statisticalClassificationCode"] == "3913"
    assert kp46["skos:broader"]["@id"].endswith("industry/IND-17")


def test_crosswalk_codes_are_well_formed() -> None:
    cl = load_codelists()
    for kp, cw in cl.crosswalks["hs2022"].items():
        if cw:
            assert cw.code.isdigit() and len(cw.code) in (2, 4, 6), kp
    for kp, cw in cl.crosswalks["cpc21"].items():
        if cw:
            assert cw.code.isdigit() and 2 <= len(cw.code) <= 5, kp

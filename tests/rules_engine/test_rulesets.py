"""The shipped rule sets: they load, every one has test cases, every case passes, every key product
category gets a grade, and figures carry their source."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from rules_engine import Registry, load_registry
from rules_engine.testing import run_case

from .conftest import RULESETS, shared_dir

_REGISTRY = load_registry(RULESETS)
CASES = [(source, case) for source in _REGISTRY.sources for case in source.tests]


@pytest.mark.parametrize(("source", "case"), CASES, ids=[f"{s.id}:{c['name']}" for s, c in CASES])
def test_rule_set_case(source, case) -> None:  # type: ignore[no-untyped-def]
    result = run_case(_REGISTRY, source, source.tests_facts, case)
    assert result.passed, "\n".join(result.problems)


def test_every_rule_set_ships_test_cases(registry: Registry) -> None:
    assert [s.id for s in registry.sources if not s.tests] == []
    assert len(CASES) >= 80


def test_the_published_decisions_cover_all_regions(registry: Registry) -> None:
    published = {(s.kind, s.jurisdiction) for s in registry.sources if s.status == "published"}
    assert {
        ("label_grade", "ZJ"),
        ("recognition", "YRD"),
        ("recognition", "GBA"),
        ("recognition", "INTL"),
    } <= published


DEMO_PRODUCTS = ["KP-46", "KP-47", "KP-28", "KP-31", "KP-10", "KP-04", "KP-17", "KP-51"]


def test_demo_products_have_product_layers(registry: Registry) -> None:
    on = date(2026, 1, 1)
    for code in DEMO_PRODUCTS:
        source = registry.select("label_grade", "ZJ", on, code, None)
        assert source.layer == "product" and source.applies_to == {"product": code}
        chain = registry.chain(source, on)
        assert [s.layer for s in chain] == ["general", "industry", "product"]


def test_every_key_product_category_gets_a_grade(registry: Registry) -> None:
    path = shared_dir() / "mission" / "key-products.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent (set CFHUB_SHARED_DIR to the shared folder)")
    with path.open(encoding="utf-8") as f:
        products = list(csv.DictReader(f))
    assert len(products) == 52
    for product in products:
        category = f"KP-{int(product['seq']):02d}"
        industry = f"IND-{int(product['industry_no']):02d}"
        unit = registry.program(registry.select("label_grade", "ZJ", date(2026, 1, 1), category, industry))
        facts = {
            "fp": {
                "total_kgco2e": 90.0,
                "verified": True,
                "verifier_accredited": True,
                "category_code": category,
                "industry_code": industry,
                "system_boundary": "cradle_to_gate",
            },
            "benchmark": {"p10": 70.0, "p25": 80.0, "p50": 95.0, "p75": 110.0, "p90": 125.0, "n": 40},
        }
        check = next(c for c in unit.checks if c.name == "declared_unit_known")
        unit_value = next(
            u
            for u in ["kWh", "t", "kg", "piece", "m2", "L", "MJ"]
            if check.cond.py({"fp.declared_unit": u}, None) is True
        )
        facts["fp"]["declared_unit"] = unit_value
        decision = registry.decide("label_grade", "ZJ", facts, on=date(2026, 1, 1))
        assert decision.status == "decided" and decision.outcome["grade"] == "C", (
            category,
            decision.to_dict(),
        )


def test_every_threshold_names_its_source(registry: Registry) -> None:
    for source in registry.sources:
        for name, param in (source.data.get("params") or {}).items():
            assert param["source"].strip(), f"{source.id} param {name}"
        assert source.data.get("source") or source.data.get("doc"), source.id


def test_recognition_lists_every_failed_condition(registry: Registry) -> None:
    facts = {
        "fp": {
            "accounting_standards": [],
            "verified": False,
            "verifier_accredited": False,
            "dqr_worst": 4.0,
            "system_boundary": "gate_to_gate",
            "age_years": 5.0,
            "within_validity": False,
            "product_rules": "",
            "status": "draft",
            "exempted_emissions_percent": 9.0,
            "primary_data_share": 1.0,
            "reference_year": 2020,
        }
    }
    decision = registry.decide("recognition", "YRD", facts, on=date(2026, 1, 1))
    assert decision.outcome["eligible"] is False
    assert len(decision.outcome["reasons"]) == len(registry.program(registry.get("recognition-yrd")).checks) == 11


def test_the_vocabulary_documents_every_fact(registry: Registry) -> None:
    for fact in registry.vocabulary.facts.values():
        assert fact.doc.get("en") and fact.doc.get("zh"), fact.name
        assert fact.example is not None, fact.name


def test_the_rule_set_schema_is_a_valid_json_schema() -> None:
    import json

    import jsonschema

    schema = json.loads((RULESETS / "ruleset.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)

"""Decisions carry a trace built from recorded values: chain, rules and rows fired, inputs read,
thresholds compared, outcome; as JSON-serialisable data and as zh/en text."""

from __future__ import annotations

import json
from datetime import date

from rules_engine import Registry

FACTS = {
    "fp": {
        "total_kgco2e": 85.0,
        "declared_unit": "kWh",
        "verified": True,
        "verifier_accredited": True,
        "category_code": "KP-46",
        "industry_code": "IND-17",
    },
    "benchmark": {"p10": 70.0, "p25": 80.0, "p50": 95.0, "p75": 110.0, "p90": 125.0, "n": 40},
}


def test_trace_as_data(registry: Registry) -> None:
    decision = registry.decide("label_grade", "ZJ", FACTS, on=date(2026, 1, 1))
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["ruleset"] == {"id": "label-grade-zj-kp-46", "version": "2025.1", "layer": "product"}
    assert [c["layer"] for c in data["chain"]] == ["general", "industry", "product"]
    steps = {s["rule"]: s for s in data["trace"]}
    unit = steps["declared_unit_known"]
    assert unit["from"]["id"] == "label-grade-zj-kp-46" and unit["reads"] == {"fp.declared_unit": "kWh"}
    size = steps["benchmark_large_enough"]
    assert size["comparisons"] == [
        {
            "expr": "benchmark.n >= params.min_benchmark_n",
            "left": 40,
            "right": 20,
            "thresholds": ["params.min_benchmark_n"],
            "result": True,
        }
    ]
    assert (
        size["thresholds"][0]["from"]["id"] == "label-grade-zj-kp-46"
        and "cfhub choice" in size["thresholds"][0]["source"]
    )
    grade = steps["grade"]
    assert grade["inputs"] == {"total": 85.0}
    assert [row["row"] for row in grade["fired"]] == [3]
    assert grade["fired"][0]["comparisons"][0] == {
        "expr": "total > benchmark.p25",
        "left": 85.0,
        "right": 80.0,
        "thresholds": [],
        "result": True,
    }
    assert data["outcome"] == {"graded": True, "reasons": [], "grade": "C", "score": 73.0}


def test_trace_as_text_in_both_languages(registry: Registry) -> None:
    decision = registry.decide("label_grade", "ZJ", FACTS, on=date(2026, 1, 1))
    en, zh = decision.explain("en"), decision.explain("zh")
    assert (
        "label-grade-zj@2025.1 [general] -> label-grade-zj-ind-17@2025.1 [industry] -> "
        "label-grade-zj-kp-46@2025.1 [product]" in en
    )
    assert "rows fired: #3" in en and "total > benchmark.p25: 85 vs 80 -> true" in en
    assert "命中行: #3" in zh and "动力电池以额定容量 kWh 为声明单位" in zh and "结论" in zh


def test_missing_input_is_explained_not_raised(registry: Registry) -> None:
    facts = {"fp": {"accounting_standards": ["ISO 14067:2018"], "verified": True, "verifier_accredited": True}}
    decision = registry.decide("recognition", "YRD", facts, on=date(2026, 1, 1))
    assert decision.status == "undetermined" and decision.outcome["eligible"] is None
    assert "fp.dqr_worst" in decision.missing_inputs
    assert "missing input: fp.dqr_worst" in decision.explain("en") and "缺少输入" in decision.explain("zh")
    json.dumps(decision.to_dict())


def test_wrongly_typed_input_is_set_aside(registry: Registry) -> None:
    facts = {"fp": {"dqr_worst": "good", "verified": True}}
    decision = registry.decide("recognition", "GBA", facts, on=date(2026, 1, 1))
    assert "fp.dqr_worst" in decision.invalid_inputs and "expected double" in decision.invalid_inputs["fp.dqr_worst"]
    assert "fp.dqr_worst" in decision.missing_inputs

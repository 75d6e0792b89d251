"""Property: the batch (numpy) evaluator gives exactly the one-at-a-time decisions, missing values
included, for every shipped decision and jurisdiction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules_engine import Columns, Registry, compile_ruleset_text, load_registry
from rules_engine.batch import evaluate_batch
from rules_engine.evaluate import evaluate
from rules_engine.facts import normalise

from .conftest import RULESETS

REGISTRY: Registry = load_registry(RULESETS)
ON = date(2026, 3, 1)
DECISIONS = [("label_grade", "ZJ"), ("recognition", "YRD"), ("recognition", "GBA"), ("recognition", "INTL")]
STANDARDS = ["GB/T 24067-2024", "ISO 14067:2018", "PAS 2050:2011", "PACT-3.0", "GHGP-Product", "other"]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


small = st.floats(min_value=0.0, max_value=200.0, allow_nan=False) | st.sampled_from(
    [70.0, 80.0, 95.0, 110.0, 125.0, 3.0, 2.5, 20.0, 5.0]
)
footprint = st.fixed_dictionaries(
    {
        "total_kgco2e": maybe(small | st.floats(min_value=-5.0, max_value=1e4, allow_nan=False)),
        "declared_unit": maybe(st.sampled_from(["kg", "t", "kWh", "piece", "m2", "MJ"])),
        "category_code": maybe(
            st.sampled_from(["KP-46", "KP-47", "KP-28", "KP-31", "KP-10", "KP-04", "KP-17", "KP-51", "KP-01", "KP-20"])
        ),
        "industry_code": maybe(
            st.sampled_from(["IND-17", "IND-11", "IND-12", "IND-02", "IND-01", "IND-05", "IND-18", "IND-09"])
        ),
        "system_boundary": maybe(st.sampled_from(["cradle_to_gate", "cradle_to_grave", "gate_to_gate"])),
        "accounting_standards": maybe(st.lists(st.sampled_from(STANDARDS), max_size=3)),
        "primary_data_share": maybe(st.floats(min_value=0, max_value=100) | st.just(20.0)),
        "dqr": maybe(st.floats(min_value=1, max_value=5) | st.sampled_from([2.5, 3.0])),
        "dqr_worst": maybe(st.floats(min_value=1, max_value=5) | st.sampled_from([2.5, 3.0])),
        "verified": maybe(st.booleans()),
        "verifier_accredited": maybe(st.booleans()),
        "reference_year": maybe(st.integers(min_value=2018, max_value=2027)),
        "age_years": maybe(st.floats(min_value=0, max_value=6) | st.just(3.0)),
        "within_validity": maybe(st.booleans()),
        "exempted_emissions_percent": maybe(st.floats(min_value=0, max_value=10) | st.just(5.0)),
        "product_rules": maybe(st.sampled_from(["", "PCR 2019:14", "PEFCR Batteries", "EU 2023/1542 CFB-EV"])),
        "status": maybe(st.sampled_from(["draft", "verified", "published", "withdrawn"])),
    }
)


@st.composite
def benchmark(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    points = sorted(draw(st.lists(small, min_size=5, max_size=5)))
    out: dict[str, Any] = dict(zip(["p10", "p25", "p50", "p75", "p90"], points, strict=True))
    out["n"] = draw(st.integers(min_value=0, max_value=60))
    if draw(st.booleans()):
        out.pop(draw(st.sampled_from(sorted(out))))
    return out


facts_strategy = st.builds(lambda fp, bm: {"fp": fp, **({"benchmark": bm} if bm else {})}, footprint, benchmark())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_strategy, min_size=1, max_size=25), st.sampled_from(DECISIONS))
def test_batch_equals_one_at_a_time(facts: list[dict[str, Any]], decision: tuple[str, str]) -> None:
    kind, jurisdiction = decision
    batch = REGISTRY.decide_batch(kind, jurisdiction, facts, on=ON).records()
    for one_facts, record in zip(facts, batch, strict=True):
        single = REGISTRY.decide(kind, jurisdiction, one_facts, on=ON).to_dict()
        assert {key: single[key] for key in record} == record, one_facts


TABLE_HEAD = """
id: t
version: "1"
kind: t
jurisdiction: ZJ
layer: general
status: draft
effective_from: 2025-01-01
title: {en: t, zh: t}
facts:
  - {name: x, type: double}
  - {name: y, type: double}
  - {name: s, type: string}
checks:
  - {name: y_small, when: "y < 8.0 || s == \\"k\\"", text: {en: y, zh: y}}
tables:
  - name: out
    text: {en: t, zh: t}
    inputs: [{name: x, expr: x}, {name: s, expr: s}]
"""
POLICIES = {
    "unique": "unique",
    "first": "first",
    "any": "any",
    "priority": "priority",
    "rule_order": "rule_order",
    "output_order": "output_order",
    "collect": "collect",
    "sum": "collect\n    aggregation: sum",
    "count": "collect\n    aggregation: count",
    "max": "collect\n    aggregation: max",
}
ROWS = [
    ("< 2.0", '"k"', "-1.0", '"low"'),
    ("[2.0..5.0)", "-", "y", '"mid"'),
    (">= 5.0", 'not("k")', "2.0", '"high"'),
    ("> y - 1.0", '"z","k"', "x + y", '"mid"'),  # a computed bound: the lint cannot see the overlap
]


def table_text(policy: str) -> str:
    numeric = policy in ("sum", "count", "max")
    kind = "double" if numeric else "string"
    values = "" if numeric else ", values: [high, mid, low]"
    out = f"    hit_policy: {POLICIES[policy]}\n    outputs: [{{name: out, type: {kind}{values}}}]\n    rows:\n"
    for cell_x, cell_s, number, word in ROWS:
        then = number if numeric else word
        out += f"      - {{when: ['{cell_x}', '{cell_s}'], then: ['{then}']}}\n"
    return TABLE_HEAD + out


PROGRAMS = {policy: compile_ruleset_text(table_text(policy)) for policy in POLICIES}
X_VALUES = [None, 0.0, 1.9, 2.0, 3.0, 4.0, 4.5, 5.0, 7.0]
Y_VALUES = [None, 0.5, 3.0, 9.0]
S_VALUES = [None, "k", "z", "q"]
GRID = [
    {k: v for k, v in {"x": x, "y": y, "s": s}.items() if v is not None}
    for x in X_VALUES
    for y in Y_VALUES
    for s in S_VALUES
]


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_hit_policies_agree_on_every_combination_of_missing_values(policy: str) -> None:
    """Exhaustive over a grid of values and absences (144 footprints per hit policy)."""
    program = PROGRAMS[policy]
    cols = Columns.from_records([normalise(f, program.types)[0] for f in GRID], program.types)
    records = evaluate_batch(program, cols).records()
    statuses = set()
    for one, record in zip(GRID, records, strict=True):
        single = evaluate(program, one, ON).to_dict()
        assert {key: single[key] for key in record} == record, (policy, one)
        statuses.add(single["status"])
    assert {"decided", "undetermined"} <= statuses

"""Decision-table hit policies, with DMN's exact semantics, in both evaluators."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules_engine import Columns, compile_ruleset_text
from rules_engine.batch import evaluate_batch
from rules_engine.evaluate import evaluate
from rules_engine.facts import normalise

HEAD = """
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
  - {name: s, type: string}
tables:
  - name: out
    text: {en: t, zh: t}
    inputs: [{name: x, expr: x}]
"""


def table(policy: str, rows: list[tuple[str, str]], out_type: str = "string", extra: str = "", values: str = "") -> str:
    body = f"    hit_policy: {policy}\n{extra}    outputs: [{{name: out, type: {out_type}{values}}}]\n"
    body += "    rows:\n"
    body += "".join(f"      - {{when: ['{w}'], then: ['{t}']}}\n" for w, t in rows)
    return HEAD + body


def both(text: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decide with both evaluators; assert they agree; return the one-at-a-time decisions as dicts."""
    program = compile_ruleset_text(text)
    singles = [evaluate(program, f, date(2025, 1, 1)).to_dict() for f in facts]
    records = evaluate_batch(
        program, Columns.from_records([normalise(f, program.types)[0] for f in facts], program.types)
    ).records()
    for single, record in zip(singles, records, strict=True):
        assert {k: single[k] for k in record} == record
    return singles


def test_unique_with_two_matches_is_an_error_not_a_pick() -> None:
    text = table("unique", [("< 10", '"a"'), ("[5..20]", '"b"')])
    with pytest.raises(Exception, match="overlap"):
        compile_ruleset_text(text)
    # an overlap the lint cannot see (computed bound) is still caught per footprint
    text = table("unique", [("< x + 1.0", '"a"'), ("> 0.0", '"b"')])
    ones = both(text, [{"x": 5.0}, {"x": -5.0}])
    assert ones[0]["status"] == "error" and "rows 1, 2 all match" in ones[0]["errors"][0]
    assert ones[1]["status"] == "decided" and ones[1]["outcome"]["out"] == "a"


def test_any_requires_equal_outputs() -> None:
    text = table("any", [("< 10", '"a"'), ("< 5", '"a"'), ("< 0", '"b"')])
    ones = both(text, [{"x": 3.0}, {"x": -1.0}, {"x": 20.0}])
    assert ones[0]["outcome"]["out"] == "a"
    assert ones[1]["status"] == "error" and "different outputs" in ones[1]["errors"][0]
    assert ones[2]["outcome"]["out"] is None


def test_priority_follows_the_output_value_list() -> None:
    text = table(
        "priority",
        [("> 0", '"low"'), ("> 5", '"high"'), ("> 9", '"mid"')],
        values=", values: [high, mid, low]",
    )
    assert [d["outcome"]["out"] for d in both(text, [{"x": 1.0}, {"x": 6.0}, {"x": 10.0}])] == [
        "low",
        "high",
        "high",
    ]


def test_first_and_rule_order_and_output_order() -> None:
    rows = [("> 0", '"low"'), ("> 5", '"high"'), ("> 9", '"mid"')]
    assert both(table("first", rows), [{"x": 10.0}])[0]["outcome"]["out"] == "low"
    assert both(table("rule_order", rows), [{"x": 10.0}])[0]["outcome"]["out"] == ["low", "high", "mid"]
    ordered = table("output_order", rows, values=", values: [high, mid, low]")
    assert both(ordered, [{"x": 10.0}, {"x": -1.0}])[0]["outcome"]["out"] == ["high", "mid", "low"]


@pytest.mark.parametrize(
    ("aggregation", "expected", "empty"),
    [("sum", 6.0, None), ("min", 1.0, None), ("max", 3.0, None), ("count", 3, 0)],
)
def test_collect_aggregations(aggregation: str, expected: Any, empty: Any) -> None:
    text = table(
        "collect",
        [("> 0", "1.0"), ("> 1", "2.0"), ("> 2", "3.0")],
        out_type="double",
        extra=f"    aggregation: {aggregation}\n",
    )
    ones = both(text, [{"x": 5.0}, {"x": -1.0}])
    assert ones[0]["outcome"]["out"] == expected
    assert ones[1]["outcome"]["out"] == empty


def test_collect_without_aggregation_lists_in_rule_order() -> None:
    text = table("collect", [("> 2", '"c"'), ("> 0", '"a"')])
    assert both(text, [{"x": 5.0}])[0]["outcome"]["out"] == ["c", "a"]


def test_missing_input_makes_the_table_undetermined_unless_first_already_matched() -> None:
    text = HEAD.replace("inputs: [{name: x, expr: x}]", "inputs: [{name: s, expr: s}, {name: x, expr: x}]") + (
        "    hit_policy: first\n    outputs: [{name: out, type: string}]\n    rows:\n"
        "      - {when: ['\"k\"', '-'], then: ['\"by s\"']}\n"
        "      - {when: ['-', '> 0'], then: ['\"by x\"']}\n"
    )
    ones = both(text, [{"s": "k"}, {"s": "z"}, {"x": 1.0}, {}])
    assert ones[0]["status"] == "decided" and ones[0]["outcome"]["out"] == "by s"
    assert ones[1]["status"] == "undetermined" and ones[1]["missing_inputs"] == ["x"]
    assert ones[2]["status"] == "undetermined" and ones[2]["missing_inputs"] == ["s"]
    assert ones[3]["missing_inputs"] == ["s", "x"]


def test_default_output_when_no_row_matches() -> None:
    text = (
        HEAD + "    hit_policy: unique\n    outputs: [{name: out, type: string, default: '\"none\"'}]\n    "
        "rows:\n      - {when: ['> 0'], then: ['\"pos\"']}\n"
    )
    assert [d["outcome"]["out"] for d in both(text, [{"x": 1.0}, {"x": -1.0}])] == ["pos", "none"]

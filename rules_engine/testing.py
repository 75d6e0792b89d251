"""Rule-set test cases for standards teams: each rule-set folder's `tests.yaml` (input facts ->
expected decision), run by `cfhub rules test` and by one parametrised pytest test.

tests.yaml: optional top-level `facts` shared by all cases; each case has `name`, optional `on`
(date; default the rule set's effective_from), `facts` (deep-merged over the shared facts; a null
removes a fact or a whole group) and `expect`: any of `status`, `outcome` (the keys given must
match), `missing_inputs`, `errors`, `ruleset` (id of the rule set that decides, when deciding by
kind through the registry with `via: registry`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules_engine.decision import Decision
from rules_engine.registry import Registry
from rules_engine.ruleset import RuleSetSource


@dataclass
class CaseResult:
    ruleset: str
    version: str
    name: str
    passed: bool
    problems: list[str]
    decision: Decision | None

    @property
    def label(self) -> str:
        return f"{self.ruleset}@{self.version}: {self.name}"


def merge(base: Any, override: Any) -> Any:
    """Deep merge of fact dicts; None in `override` removes the key."""
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        return override
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(actual, bool) or isinstance(expected, bool) or actual is None or expected is None:
            return actual == expected
        return isinstance(actual, int | float) and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in expected)
    return bool(actual == expected)


def compare(decision: Decision, expect: Mapping[str, Any]) -> list[str]:
    problems = []
    data = decision.to_dict()
    for key in ("status", "missing_inputs", "errors"):
        if key in expect and not same(data[key], expect[key]):
            problems.append(f"{key}: expected {expect[key]!r}, got {data[key]!r}")
    for key, value in (expect.get("outcome") or {}).items():
        if key not in data["outcome"]:
            problems.append(f"outcome has no {key!r} (it has {sorted(data['outcome'])})")
        elif not same(data["outcome"][key], value):
            problems.append(f"outcome.{key}: expected {value!r}, got {data['outcome'][key]!r}")
    if "ruleset" in expect and data["ruleset"]["id"] != expect["ruleset"]:
        problems.append(f"ruleset: expected {expect['ruleset']!r}, got {data['ruleset']['id']!r}")
    return problems


def run_case(
    registry: Registry, source: RuleSetSource, shared: Mapping[str, Any], case: Mapping[str, Any]
) -> CaseResult:
    name = str(case.get("name", "?"))
    try:
        on = date.fromisoformat(str(case["on"])) if "on" in case else source.effective_from
        facts = merge(shared, case.get("facts") or {})
        if case.get("via") == "registry":
            decision = registry.decide(source.kind, source.jurisdiction, facts, on)
        else:
            decision = registry.decide_ruleset(source.id, facts, on, source.version)
    except Exception as error:  # a test case must report, not stop the run
        return CaseResult(source.id, source.version, name, False, [f"{type(error).__name__}: {error}"], None)
    problems = compare(decision, case.get("expect") or {})
    if not case.get("expect"):
        problems.append("case has no `expect`")
    return CaseResult(source.id, source.version, name, not problems, problems, decision)


def run_all(registry: Registry, ruleset_id: str | None = None) -> list[CaseResult]:
    results = []
    for source in registry.sources:
        if ruleset_id is not None and source.id != ruleset_id:
            continue
        for case in source.tests:
            results.append(run_case(registry, source, source.tests_facts, case))
    return results

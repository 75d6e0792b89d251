"""Bad rule sets fail to load, naming file, line and reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules_engine import LoadError, load_registry

from .conftest import GENERAL

Write = Callable[[dict[str, str]], Path]


def issues_of(root: Path) -> list:
    with pytest.raises(LoadError) as raised:
        load_registry(root)
    return raised.value.issues


def one(issues: list, code: str):  # type: ignore[no-untyped-def]
    found = [i for i in issues if i.code == code]
    assert found, f"no {code!r} issue in {[str(i) for i in issues]}"
    return found[0]


TABLE = (
    GENERAL
    + """
tables:
  - name: grade
    hit_policy: unique
    text: {en: grade, zh: 等级}
    inputs:
      - {name: total, expr: fp.total_kgco2e}
    outputs:
      - {name: grade, type: string}
    rows:
"""
)


def test_unknown_field_names_file_line_column(write_rulesets: Write) -> None:
    root = write_rulesets(
        {"g": GENERAL + "checks:\n  - name: q\n    when: fp.dqr <= 3.0 && fp.verifed\n    text: {en: q, zh: q}\n"}
    )
    issue = one(issues_of(root), "unknown-field")
    assert issue.file.endswith("g/ruleset.yaml")
    assert (issue.line, issue.column) == (11, 28)
    assert "fp.verifed" in issue.message and "fp.verified" in issue.message


def test_string_compared_with_number_is_a_type_error(write_rulesets: Write) -> None:
    root = write_rulesets(
        {"g": GENERAL + "checks:\n  - name: q\n    when: 'fp.declared_unit > 2.0'\n    text: {en: q, zh: q}\n"}
    )
    issue = one(issues_of(root), "type-error")
    assert issue.line == 11 and "cannot compare string with double" in issue.message


def test_overlapping_rows_in_a_unique_table(write_rulesets: Write) -> None:
    rows = """      - {when: ["<= 10.0"], then: ['"A"']}
      - {when: ["[5.0..20.0]"], then: ['"B"']}
      - {when: ["> 20.0"], then: ['"C"']}
"""
    issue = one(issues_of(write_rulesets({"g": TABLE + rows})), "overlap")
    assert "rows 1 and 2 overlap" in issue.message and issue.line == 20


def test_overlap_with_benchmark_thresholds(write_rulesets: Write) -> None:
    rows = """      - {when: ["<= benchmark.p25"], then: ['"A"']}
      - {when: ["[benchmark.p10..benchmark.p50]"], then: ['"B"']}
      - {when: ["> benchmark.p50"], then: ['"C"']}
"""
    assert "rows 1 and 2" in one(issues_of(write_rulesets({"g": TABLE + rows})), "overlap").message


def test_gap_between_thresholds(write_rulesets: Write) -> None:
    rows = """      - {when: ["< 10.0"], then: ['"A"']}
      - {when: ["(10.0..20.0]"], then: ['"B"']}
      - {when: ["> 25.0"], then: ['"C"']}
"""
    issues = issues_of(write_rulesets({"g": TABLE + rows}))
    gaps = [i for i in issues if i.code == "gap"]
    assert len(gaps) == 2  # 10.0 itself, and (20, 25]
    assert "between 20.0 and 25.0" in gaps[1].message and gaps[1].line == 21


def test_adjacent_bands_have_no_gap_or_overlap(write_rulesets: Write, tmp_path: Path) -> None:
    rows = """      - {when: ["<= benchmark.p10"], then: ['"A"']}
      - {when: ["(benchmark.p10..benchmark.p50]"], then: ['"B"']}
      - {when: ["> benchmark.p50"], then: ['"C"']}
"""
    registry = load_registry(write_rulesets({"g": TABLE + rows}))
    assert registry.issues == []


def test_cycle_in_layers(write_rulesets: Write) -> None:
    industry = """
id: t-a
version: "1"
kind: label_grade
jurisdiction: ZJ
layer: industry
refines: t-b
applies_to: {industry: IND-01}
status: published
effective_from: 2025-01-01
title: {en: a, zh: a}
"""
    other = industry.replace("id: t-a", "id: t-b").replace("refines: t-b", "refines: t-a").replace("IND-01", "IND-02")
    issue = one(issues_of(write_rulesets({"g": GENERAL, "a": industry, "b": other})), "cycle")
    assert "t-a -> t-b -> t-a" in issue.message or "t-b -> t-a -> t-b" in issue.message


def test_two_published_versions_in_force_on_the_same_date(write_rulesets: Write) -> None:
    second = GENERAL.replace('version: "1"', 'version: "2"').replace("2025-01-01", "2025-06-01")
    issue = one(issues_of(write_rulesets({"g1": GENERAL, "g2": second})), "overlap")
    assert "both in force on 2025-06-01" in issue.message


def test_successive_versions_are_fine(write_rulesets: Write) -> None:
    first = GENERAL + "effective_until: 2025-06-01\n"
    second = GENERAL.replace('version: "1"', 'version: "2"').replace("2025-01-01", "2025-06-01")
    registry = load_registry(write_rulesets({"g1": first, "g2": second}))
    assert [s.version for s in registry.sources if s.in_force(__import__("datetime").date(2025, 7, 1))] == ["2"]


CHILD = """
id: t-ind
version: "1"
kind: label_grade
jurisdiction: ZJ
layer: industry
refines: t-general
applies_to: {industry: IND-17}
status: published
effective_from: 2025-01-01
title: {en: child, zh: 子}
"""
PARENT = (
    GENERAL
    + """
params:
  max_dqr: {type: double, value: 3.0, stricter: lower, doc: {en: d, zh: d}, source: test}
checks:
  - name: dq
    when: fp.dqr <= params.max_dqr
    text: {en: dq, zh: dq}
"""
)


def test_same_rule_name_without_override_is_an_error(write_rulesets: Write) -> None:
    child = CHILD + "checks:\n  - name: dq\n    when: fp.dqr <= 2.0\n    text: {en: dq, zh: dq}\n"
    issue = one(issues_of(write_rulesets({"g": PARENT, "i": child})), "duplicate")
    assert "already defined by t-general" in issue.message and "override: true" in issue.message


def test_override_replaces_the_parent_rule(write_rulesets: Write) -> None:
    child = CHILD + "checks:\n  - name: dq\n    override: true\n    when: fp.dqr <= 2.0\n    text: {en: dq, zh: dq}\n"
    registry = load_registry(write_rulesets({"g": PARENT, "i": child}))
    decision = registry.decide_ruleset("t-ind", {"fp": {"dqr": 2.5}})
    assert decision.outcome["reasons"] == ["dq"]
    assert [r.layer for r in decision.chain] == ["general", "industry"]


def test_override_of_nothing_is_an_error(write_rulesets: Write) -> None:
    child = CHILD + "checks:\n  - name: other\n    override: true\n    when: fp.verified\n    text: {en: o, zh: o}\n"
    assert "no parent layer defines it" in one(issues_of(write_rulesets({"g": PARENT, "i": child})), "override").message


def test_a_lower_layer_may_tighten_but_not_loosen_a_threshold(write_rulesets: Write) -> None:
    tighten = CHILD + "params:\n  max_dqr: {type: double, value: 2.0, override: true, doc: {en: d, zh: d}, source: t}\n"
    assert load_registry(write_rulesets({"g": PARENT, "i": tighten})).issues == []
    loosen = tighten.replace("value: 2.0", "value: 4.0")
    assert "loosens" in one(issues_of(write_rulesets({"g": PARENT, "i": loosen})), "loosens").message


def test_schema_errors_point_at_the_value(write_rulesets: Write) -> None:
    bad = GENERAL.replace("jurisdiction: ZJ", "jurisdiction: XX")
    issue = one(issues_of(write_rulesets({"g": bad})), "schema")
    assert "jurisdiction" in issue.message and issue.line == 4


def test_unknown_parent(write_rulesets: Write) -> None:
    assert "unknown rule set 't-general'" in one(issues_of(write_rulesets({"i": CHILD})), "unknown-ruleset").message


def test_non_strict_load_keeps_the_issues(write_rulesets: Write) -> None:
    root = write_rulesets({"g": GENERAL + "checks:\n  - name: q\n    when: fp.nope\n    text: {en: q, zh: q}\n"})
    registry = load_registry(root, strict=False)
    assert [i.code for i in registry.issues] == ["unknown-field"]


def test_a_published_layer_needs_a_published_parent_in_force(write_rulesets: Write) -> None:
    draft_parent = PARENT.replace("status: published", "status: draft")
    issue = one(issues_of(write_rulesets({"g": draft_parent, "i": CHILD})), "layer")
    assert "no published version of 't-general' is in force" in issue.message

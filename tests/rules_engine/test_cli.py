from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from rules_engine.cli import rules

from .conftest import RULESETS, shared_dir


def test_list_show_test() -> None:
    runner = CliRunner()
    listed = runner.invoke(rules, ["--rulesets", str(RULESETS), "list"])
    assert listed.exit_code == 0 and "label-grade-zj-kp-46" in listed.output and "recognition-intl" in listed.output
    shown = runner.invoke(rules, ["--rulesets", str(RULESETS), "show", "recognition-intl-kp-46"])
    assert (
        shown.exit_code == 0
        and "chain: recognition-intl@2025.1 -> recognition-intl-ind-17@2025.1 -> recognition-intl-kp-46@2025.1"
        in shown.output
    )
    tested = runner.invoke(rules, ["--rulesets", str(RULESETS), "test"])
    assert tested.exit_code == 0 and " 0 failed" in tested.output


def test_a_failing_case_fails_loudly(tmp_path: Path) -> None:
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    tests = root / "label_grade" / "zj-general" / "tests.yaml"
    tests.write_text(
        tests.read_text(encoding="utf-8").replace("grade: C, score: 73.0", "grade: B, score: 73.0", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(rules, ["--rulesets", str(root), "test"])
    assert result.exit_code == 1
    assert "FAIL label-grade-zj@2025.1" in result.output and "outcome.grade: expected 'B', got 'C'" in result.output
    assert re.search(r"FAILED: \d+ passed, 1 failed", result.output), result.output  # the count grows with the cases


def test_a_broken_rule_set_stops_with_its_position(tmp_path: Path) -> None:
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    path = root / "recognition" / "yrd-general" / "ruleset.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("fp.dqr_worst <= params.max_dqr", "fp.dqr_worst <= params.max_dq"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(rules, ["--rulesets", str(root), "list"])
    assert result.exit_code == 2
    assert "yrd-general/ruleset.yaml:" in result.output and "unknown field 'params.max_dq'" in result.output


def test_explain_prints_a_trace(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "fp": {"total_kgco2e": 118.0, "declared_unit": "kWh", "verified": True, "verifier_accredited": True},
                "benchmark": {"p10": 70.0, "p25": 80.0, "p50": 95.0, "p75": 110.0, "p90": 125.0, "n": 40},
            }
        )
    )
    runner = CliRunner()
    zh = runner.invoke(
        rules,
        [
            "--rulesets",
            str(RULESETS),
            "explain",
            "label-grade-zj-kp-46",
            str(facts),
            "--lang",
            "zh",
            "--on",
            "2026-01-01",
        ],
    )
    assert zh.exit_code == 0 and "命中行: #5" in zh.output and "grade = E" in zh.output
    as_json = runner.invoke(
        rules,
        [
            "--rulesets",
            str(RULESETS),
            "explain",
            "label-grade-zj-kp-46",
            str(facts),
            "--json",
            "--on",
            "2026-01-01",
        ],
    )
    assert json.loads(as_json.output)["outcome"]["grade"] == "E"


def test_import_dmn_writes_a_loadable_rule_set(tmp_path: Path) -> None:
    dmn = (
        next((shared_dir() / "reference" / "dmn-tck" / "0004-simpletable-U").glob("*.dmn"), None)
        if (shared_dir() / "reference").exists()
        else None
    )
    if dmn is None:
        dmn = tmp_path / "t.dmn"
        dmn.write_text(
            '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision name="Risk">'
            '<variable typeRef="string" name="Risk"/><decisionTable hitPolicy="UNIQUE"><input label="Age">'
            '<inputExpression typeRef="number"><text>Age</text></inputExpression></input><output/>'
            '<rule><inputEntry><text>&lt;18</text></inputEntry><outputEntry><text>"High"</text></outputEntry></rule>'
            '<rule><inputEntry><text>&gt;=18</text></inputEntry><outputEntry><text>"Low"</text></outputEntry>'
            "</rule></decisionTable></decision>"
            '<inputData name="Age"><variable typeRef="number" name="Age"/></inputData></definitions>'
        )
    result = CliRunner().invoke(
        rules, ["import-dmn", str(dmn), "-o", str(tmp_path / "out"), "--effective-from", "2025-01-01"]
    )
    assert result.exit_code == 0, result.output
    written = next((tmp_path / "out").glob("*/ruleset.yaml"))
    listed = CliRunner().invoke(rules, ["--rulesets", str(tmp_path / "out"), "list"])
    assert listed.exit_code == 0 and written.parent.name in listed.output


def test_import_dmn_reports_a_bad_entry(tmp_path: Path) -> None:
    dmn = tmp_path / "bad.dmn"
    dmn.write_text(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision name="R"><decisionTable>'
        '<input><inputExpression typeRef="number"><text>Age</text></inputExpression></input><output/>'
        '<rule><inputEntry><text>&gt;= </text></inputEntry><outputEntry><text>"x"</text></outputEntry></rule>'
        "</decisionTable></decision></definitions>"
    )
    result = CliRunner().invoke(rules, ["import-dmn", str(dmn)])
    assert result.exit_code == 2 and "rule 1: unexpected end" in result.output


def test_import_dmn_makes_identifiers_of_names_with_spaces(tmp_path: Path) -> None:
    from datetime import date

    from rules_engine import compile_ruleset_text
    from rules_engine.dmn import import_dmn, to_yaml
    from rules_engine.evaluate import evaluate

    dmn = tmp_path / "spaces.dmn"
    dmn.write_text(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision name="Risk level">'
        '<decisionTable hitPolicy="FIRST"><input><inputExpression typeRef="number"><text>Applicant Age</text>'
        '</inputExpression></input><output name="level" typeRef="string"/>'
        '<rule><inputEntry><text>[18..65]</text></inputEntry><outputEntry><text>"ok"</text></outputEntry></rule>'
        '<rule><inputEntry><text>not([18..65])</text></inputEntry><outputEntry><text>"check"</text></outputEntry>'
        "</rule></decisionTable></decision>"
        '<inputData name="Applicant Age"><variable typeRef="number" name="Applicant Age"/></inputData>'
        "</definitions>"
    )
    rulesets, issues = import_dmn(dmn)
    assert issues == []
    ruleset = rulesets[0]
    assert ruleset["facts"] == [{"name": "Applicant_Age", "type": "double"}]
    assert ruleset["tables"][0]["inputs"] == [{"name": "Applicant Age", "expr": "Applicant_Age"}]
    assert ruleset["tables"][0]["hit_policy"] == "first"
    program = compile_ruleset_text(to_yaml(ruleset))
    decide = [evaluate(program, {"Applicant_Age": age}, date(2025, 1, 1)).outcome["Risk level"] for age in (30, 70)]
    assert decide == ["ok", "check"]

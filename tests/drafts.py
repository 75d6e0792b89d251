"""Draft rule sets and mappings for the standards-workflow tests: the shipped tea rule set and YRD export
mapping, as text, with a new version (and, where a test needs one, a deliberate mistake)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hub.documents import mappings

ROOT = Path(__file__).resolve().parent.parent
TEA = ROOT / "rulesets" / "label_grade" / "zj-kp-04-tea"
TEA_ID = "label-grade-zj-kp-04"
YRD = ROOT / "mappings" / "yrd" / "zj-to-yrd.yaml"
YRD_IRI = "https://w3id.org/cfhub/mapping/zj-to-yrd"
TEA_EXAMPLE = ROOT / "schema" / "examples" / "footprint-document" / "kp04-green-tea.json"
TEA_CONDITION = 'when: fp.declared_unit == "kg"'  # line 20 of the tea rule set; `fp` starts at column 11


def tea_ruleset(version: str, effective_from: str, condition: str = TEA_CONDITION) -> str:
    text = (TEA / "ruleset.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2025.1"', f'version: "{version}"')
    text = text.replace("effective_from: 2025-07-01", f"effective_from: {effective_from}")
    return text.replace(TEA_CONDITION, condition)


def tea_tests(wrong_grade: bool = False) -> str:
    text = (TEA / "tests.yaml").read_text(encoding="utf-8")
    return text.replace("grade: A, score: 100.0", "grade: B, score: 100.0") if wrong_grade else text


def yrd_mapping(version: str, product_name_rule: str = "{target: chanpinMingcheng, source: product.name}") -> str:
    text = YRD.read_text(encoding="utf-8").replace("version: 1.0.0", f"version: {version}")
    return text.replace("{target: chanpinMingcheng, source: product.name}", product_name_rule)


def yrd_cases(content: str, **changes: Any) -> list[dict[str, Any]]:
    """One golden case (the tea example) whose expected result is what `content` gives, with `changes` made
    to the expected output (to make the case fail)."""
    source = json.loads(TEA_EXAMPLE.read_text(encoding="utf-8"))
    expected = mappings.compile_text(content).map(source).as_dict()
    expected["output"].update(changes)
    return [{"name": "kp04 green tea", "input": source, "expected": expected}]

"""Stage 5, explain: a `Decision` with its trace, as data (`to_dict`, JSON-serialisable) and as text in
Chinese or English (`explain`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules_engine.ruleset import RuleSetRef

_WORDS = {
    "en": {
        "decision": "Decision",
        "on": "on",
        "status": "status",
        "chain": "rule sets (general -> product)",
        "check": "check",
        "table": "table",
        "value": "value",
        "pass": "passed",
        "fail": "FAILED",
        "unknown": "undetermined",
        "reads": "read",
        "compared": "compared",
        "threshold": "threshold",
        "source": "source",
        "fired": "rows fired",
        "none": "none",
        "absent": "(absent)",
        "result": "result",
        "missing": "missing input",
        "invalid": "invalid input",
        "outcome": "outcome",
        "error": "error",
        "reasons": "reasons",
        "decided": "decided",
        "undetermined": "undetermined",
    },
    "zh": {
        "decision": "判定",
        "on": "日期",
        "status": "状态",
        "chain": "规则集(通则 -> 产品)",
        "check": "检查",
        "table": "决策表",
        "value": "计算值",
        "pass": "通过",
        "fail": "未通过",
        "unknown": "无法判定",
        "reads": "读取",
        "compared": "比较",
        "threshold": "阈值",
        "source": "来源",
        "fired": "命中行",
        "none": "无",
        "absent": "(缺失)",
        "result": "结果",
        "missing": "缺少输入",
        "invalid": "无效输入",
        "outcome": "结论",
        "error": "错误",
        "reasons": "原因",
        "decided": "已判定",
        "undetermined": "无法判定",
    },
}


def _fmt(value: Any, absent: str = "-") -> str:
    """A value as CEL would write it (strings quoted, lists bracketed); None as `absent`."""
    if value is None:
        return absent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v, absent) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v, absent)}" for k, v in value.items()) + "}"
    return str(value)


def _plain_text(value: Any) -> str:
    """An outcome value for people: strings unquoted, lists joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) if value else "-"
    return _fmt(value)


@dataclass
class Decision:
    kind: str
    jurisdiction: str
    on: date
    status: str  # "decided" | "undetermined" | "error"
    outcome: dict[str, Any]
    chain: list[RuleSetRef]
    steps: list[dict[str, Any]] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    invalid_inputs: dict[str, str] = field(default_factory=dict)
    undetermined: list[str] = field(default_factory=list)  # checks that a missing input left open
    errors: list[str] = field(default_factory=list)
    passed_key: str = "passed"

    @property
    def ruleset(self) -> RuleSetRef:
        """The most specific rule set of the chain (the one the decision is filed under)."""
        return self.chain[-1]

    @property
    def trace(self) -> dict[str, Any]:
        return {"chain": [r.to_dict() for r in self.chain], "steps": self.steps, "outcome": self.outcome}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "on": self.on.isoformat(),
            "status": self.status,
            "outcome": self.outcome,
            "ruleset": self.ruleset.to_dict(),
            "chain": [r.to_dict() for r in self.chain],
            "missing_inputs": self.missing_inputs,
            "invalid_inputs": self.invalid_inputs,
            "undetermined": self.undetermined,
            "errors": self.errors,
            "trace": self.steps,
        }

    def explain(self, lang: str = "en") -> str:
        w = _WORDS["zh" if lang.startswith("zh") else "en"]
        key = "zh" if lang.startswith("zh") else "en"
        lines = [
            f"{w['decision']} {self.kind} / {self.jurisdiction} ({w['on']} {self.on.isoformat()}): "
            f"{w['status']} {w.get(self.status, self.status)}",
            f"{w['chain']}: " + " -> ".join(f"{r.id}@{r.version} [{r.layer}]" for r in self.chain),
        ]
        for step in self.steps:
            lines += _step_lines(step, w, key)
        lines.append(f"{w['outcome']}: " + "; ".join(f"{k} = {_plain_text(v)}" for k, v in self.outcome.items()))
        if self.missing_inputs:
            lines.append(f"{w['missing']}: {', '.join(self.missing_inputs)}")
        for name, reason in self.invalid_inputs.items():
            lines.append(f"{w['invalid']}: {name} ({reason})")
        for error in self.errors:
            lines.append(f"{w['error']}: {error}")
        return "\n".join(lines)


def _step_lines(step: dict[str, Any], w: dict[str, str], key: str) -> list[str]:
    origin = step["from"]
    where = f"[{origin['id']}@{origin['version']} {origin['layer']}]"
    result = step["result"]
    if step["kind"] == "check":
        verdict = w["unknown"] if result is None else w["pass"] if result else w["fail"]
        lines = [f"- {w['check']} {step['rule']} {where}: {step['text'][key]} -> {verdict}"]
    elif step["kind"] == "table":
        lines = [f"- {w['table']} {step['rule']} ({step['hit_policy']}) {where}: {step['text'][key]}"]
        if step["inputs"]:
            lines.append("    " + ", ".join(f"{k} = {_fmt(v, w['absent'])}" for k, v in step["inputs"].items()))
        fired = step["fired"]
        if not fired:
            lines.append(f"    {w['fired']}: {w['none']}")
        for row in fired:
            text = f" ({row['text'][key]})" if row.get("text") else ""
            lines.append(f"    {w['fired']}: #{row['row']} {' | '.join(row['when'])} => {', '.join(row['then'])}{text}")
            for c in row.get("comparisons", []):
                lines.append(
                    f"      {w['compared']}: {c['expr']}: {_fmt(c['left'], w['absent'])} vs "
                    f"{_fmt(c['right'], w['absent'])} -> {_fmt(c['result'])}"
                )
        lines.append(f"    {w['result']}: {_plain_text(result)}")
    else:
        lines = [f"- {w['value']} {step['rule']} {where}: {step['text'][key]} = {_plain_text(result)}"]
    if step.get("reads") and step["kind"] != "table":
        lines.append(
            f"    {w['reads']}: " + ", ".join(f"{k} = {_fmt(v, w['absent'])}" for k, v in step["reads"].items())
        )
    for comparison in step.get("comparisons", []):
        lines.append(
            f"    {w['compared']}: {comparison['expr']}: {_fmt(comparison['left'], w['absent'])} vs "
            f"{_fmt(comparison['right'], w['absent'])} -> {_fmt(comparison['result'])}"
        )
    for threshold in step.get("thresholds", []):
        lines.append(
            f"    {w['threshold']} {threshold['name']} = {_fmt(threshold['value'])}: "
            f"{threshold['doc'][key]} ({w['source']}: {threshold['source']})"
        )
    if step.get("missing"):
        lines.append(f"    {w['missing']}: {', '.join(step['missing'])}")
    return lines

"""A quality decision as findings: one per rule (decision table) with its status, its reason (the text of the row
that fired, and the figures it compared) and the rule set (id, version, layer) that holds the rule; and the
footprint's summary status, the worst of them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rules_engine.decision import Decision

STATUSES = ("pass", "warning", "failure", "not_applicable")
_RANK = {"not_applicable": 0, "pass": 1, "warning": 2, "failure": 3}


def findings(decision: Decision) -> list[dict[str, Any]]:
    """One finding per rule of the decision, in rule order."""
    return [_finding(step) for step in decision.steps if step["kind"] == "table"]


def _finding(step: dict[str, Any]) -> dict[str, Any]:
    status = step["result"]
    fired = step["fired"][0] if step["fired"] else None
    if status is None:  # an input the rule needs is missing: the rule cannot say, so it does not apply
        status = "not_applicable"
        reason = {"en": f"missing input: {', '.join(step['missing'])}", "zh": f"缺少输入:{', '.join(step['missing'])}"}
    else:
        reason = dict(fired["text"]) if fired and fired.get("text") else dict(step["text"])
    return {
        "rule": step["rule"],
        "status": status,
        "reason": reason,
        "rule_text": step["text"],
        "figures": {k: v for k, v in step["inputs"].items() if not isinstance(v, bool)},
        "ruleset": step["from"],
    }


def summary(found: list[dict[str, Any]], errors: list[str]) -> tuple[str, dict[str, int]]:
    """The footprint's status (failure > warning > pass; an engine error is a failure) and the count per status."""
    counts = Counter(f["status"] for f in found)
    worst = max((f["status"] for f in found), key=_RANK.__getitem__, default="pass")
    status = "failure" if errors else "pass" if worst == "not_applicable" else worst
    return status, {s: counts.get(s, 0) for s in STATUSES}

"""The fact vocabulary: the names and CEL types of the facts a rule may read (`rulesets/facts.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rules_engine.ir import TYPES
from rules_engine.issues import Issue, Position
from rules_engine.yamlsrc import load_yaml, position_of


@dataclass(frozen=True)
class FactDef:
    name: str
    type: str
    doc: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    example: Any = None


@dataclass
class Vocabulary:
    facts: dict[str, FactDef]
    # chains of facts known to be in non-decreasing order (e.g. benchmark percentiles); used by the
    # gap and overlap analysis of decision tables whose thresholds are facts.
    orderings: list[tuple[str, ...]] = field(default_factory=list)

    def types(self) -> dict[str, str]:
        return {name: fact.type for name, fact in self.facts.items()}

    def rank(self, a: str, b: str) -> int | None:
        """-1/0/1 when facts a and b sit in one ordering chain (a before b means a <= b), else None."""
        if a == b:
            return 0
        for chain in self.orderings:
            if a in chain and b in chain:
                return -1 if chain.index(a) < chain.index(b) else 1
        return None


def read_fact_defs(data: Any, file: str) -> tuple[dict[str, FactDef], list[Issue]]:
    """Fact definitions from a `facts:` list (the vocabulary file, or a rule set's own inputs)."""
    issues: list[Issue] = []
    out: dict[str, FactDef] = {}
    if not isinstance(data, list):
        return out, [position_of(data).issue("schema", "`facts` must be a list")]
    for index, item in enumerate(data):
        where = position_of(data, index)
        if not isinstance(item, dict) or "name" not in item or "type" not in item:
            issues.append(where.issue("schema", "each fact needs a `name` and a `type`"))
            continue
        name, kind = str(item["name"]), str(item["type"])
        if kind not in TYPES:
            issues.append(
                position_of(item, "type").issue(
                    "unknown-type",
                    f"fact {name!r} has unknown type {kind!r}; expected one of {', '.join(TYPES)}",
                )
            )
            continue
        if name in out:
            issues.append(where.issue("duplicate", f"fact {name!r} is defined twice"))
        doc = item.get("doc") or {}
        out[name] = FactDef(
            name,
            kind,
            dict(doc) if isinstance(doc, dict) else {"en": str(doc)},
            item.get("unit"),
            item.get("example"),
        )
    return out, issues


def load_vocabulary(path: Path) -> tuple[Vocabulary, list[Issue]]:
    try:
        data = load_yaml(path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return Vocabulary({}), [Issue(str(path), line, 1, "yaml", str(error).splitlines()[0])]
    if not isinstance(data, dict):
        return Vocabulary({}), [Position(str(path)).issue("schema", "the vocabulary must be a mapping")]
    facts, issues = read_fact_defs(data.get("facts"), str(path))
    orderings: list[tuple[str, ...]] = []
    for index, chain in enumerate(data.get("orderings") or []):
        unknown = [name for name in chain if name not in facts]
        if unknown:
            issues.append(
                position_of(data["orderings"], index).issue("unknown-field", f"ordering names unknown facts {unknown}")
            )
        orderings.append(tuple(chain))
    return Vocabulary(facts, orderings), issues

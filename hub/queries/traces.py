"""A decision's trace as one caller may read it: facts it may not read on the footprint are withheld.

A trace quotes the facts the rules engine read (`reads`), the values it compared (`comparisons`, a
table's `inputs` and its fired rows' comparisons) and why an input was invalid. Each fact derives from
footprint fields (hub/decisions/facts.py `FACT_FIELDS`); where the caller may not read one of them on this
footprint, the trace says the value was withheld instead of quoting it, and in a step that read such a fact
every compared value is withheld too (a comparison's sides are not labelled by fact). Benchmark facts are
statistics over other enterprises' footprints: they follow the policy's minimum-group rule. A step's
result stays: it is the decision the caller may read (its grade, score and reasons say as much).

Rule-set files are named relative to the rule-set folder (`label_grade/zj-general/ruleset.yaml`): the
server's own paths are not the caller's business.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, exists, select

from hub.db.models import Decision, Footprint
from hub.decisions.facts import BENCHMARK_FACTS, FACT_FIELDS
from hub.policy.access import Access
from hub.policy.model import MinimumGroup

WITHHELD = {"withheld": "field not readable"}
WITHHELD_GROUP = {"withheld": "group below the minimum for statistics"}


def footprint_grant_flags(access: Access) -> list[ColumnElement[bool]]:
    """Per Footprint grant of the caller: whether it matches the decision's footprint (selected with the
    decision, so that narrowing its trace costs no statement of its own)."""
    return [
        exists(select(Footprint.id).where(Footprint.id == Decision.footprint_id, g.where))
        for g in access.grants("Footprint")
    ]


def readable_footprint_fields(access: Access, flags: list[Any]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for grant, matched in zip(access.grants("Footprint"), flags, strict=True):
        if matched:
            out |= grant.fields
    return out


def hidden_facts(trace: dict[str, Any], footprint_fields: frozenset[str], role: str, group: MinimumGroup) -> set[str]:
    """The facts whose values this caller may not see in `trace`."""
    hidden = {fact for fact, fields in FACT_FIELDS.items() if not set(fields) <= footprint_fields}
    if not _benchmark_shown(trace, role, group):
        hidden |= BENCHMARK_FACTS
    return hidden


def _benchmark_shown(trace: dict[str, Any], role: str, group: MinimumGroup) -> bool:
    """Benchmark facts are shown when the trace itself says the group was large enough (`benchmark.n`), or to
    an exempt role. A stored trace does not say how many enterprises the group held: see docs/security.md."""
    if role in group.exempt_roles:
        return True
    sizes = [s["reads"]["benchmark.n"] for s in _steps(trace) if "benchmark.n" in s.get("reads", {})]
    return bool(sizes) and all(isinstance(n, int) and n >= group.footprints for n in sizes)


def narrowed(trace: Any, hidden: set[str], rulesets_dir: Path) -> Any:
    """A copy of `trace` with the values of `hidden` facts withheld and rule-set paths made relative."""
    if not isinstance(trace, dict):
        return trace
    out = dict(trace)
    if isinstance(trace.get("trace"), list):
        out["trace"] = [_step(s, hidden, rulesets_dir) if isinstance(s, dict) else s for s in trace["trace"]]
    if isinstance(trace.get("invalid_inputs"), dict):
        out["invalid_inputs"] = {k: WITHHELD if k in hidden else v for k, v in trace["invalid_inputs"].items()}
    return out


def _steps(trace: dict[str, Any]) -> list[dict[str, Any]]:
    steps = trace.get("trace")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def _step(step: dict[str, Any], hidden: set[str], rulesets_dir: Path) -> dict[str, Any]:
    out = dict(step)
    if isinstance(step.get("from"), dict):
        out["from"] = _relative_origin(step["from"], rulesets_dir)
    raw_reads = step.get("reads")
    reads: dict[str, Any] = raw_reads if isinstance(raw_reads, dict) else {}
    if not hidden & set(reads):
        return out
    out["reads"] = {k: _withheld(k) if k in hidden else v for k, v in reads.items()}
    if "comparisons" in step:
        out["comparisons"] = _comparisons_withheld(step["comparisons"])
    if isinstance(step.get("inputs"), dict):
        out["inputs"] = {k: WITHHELD for k in step["inputs"]}
    if isinstance(step.get("fired"), list):
        out["fired"] = [
            {**row, "comparisons": _comparisons_withheld(row.get("comparisons"))} if isinstance(row, dict) else row
            for row in step["fired"]
        ]
    return out


def _withheld(fact: str) -> dict[str, str]:
    return WITHHELD_GROUP if fact in BENCHMARK_FACTS else WITHHELD


def _comparisons_withheld(comparisons: Any) -> Any:
    if not isinstance(comparisons, list):
        return comparisons
    return [{**c, "left": WITHHELD, "right": WITHHELD} if isinstance(c, dict) else c for c in comparisons]


def _relative_origin(origin: dict[str, Any], rulesets_dir: Path) -> dict[str, Any]:
    file = origin.get("file")
    return {**origin, "file": relative_file(file, rulesets_dir)} if isinstance(file, str) else origin


def relative_file(file: str, rulesets_dir: Path) -> str:
    """`file` relative to the rule-set folder; of a path from elsewhere (another installation, a draft), only
    its last three parts (`<decision kind>/<rule set folder>/<file>`), which is how rule sets are laid out."""
    path = Path(file)
    if not path.is_absolute():
        return file
    for root in (rulesets_dir, rulesets_dir.resolve()):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return Path(*path.parts[-3:]).as_posix()

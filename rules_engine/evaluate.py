"""Stage 4a, evaluate one footprint: run a `Program` on facts, record values, and return a `Decision`.

Order: all checks (each failed check is a reason; a missing input leaves it undetermined); when every
check passed, the decision tables (with their hit policy) and computed values. The trace is built
from the values recorded while evaluating.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rules_engine.compile_py import MISSING
from rules_engine.decision import Decision
from rules_engine.facts import normalise
from rules_engine.model import Check, Compiled, Program, Table, Value


class TableError(Exception):
    """A hit-policy violation for one footprint (e.g. a unique table with two matching rows)."""


def _plain(value: Any) -> Any:
    if value is MISSING:
        return None
    return list(value) if type(value) is tuple else value


def _reads(compiled: Compiled, rec: dict[int, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Facts read and comparisons made by an expression, from the recorder."""
    reads = {name: _plain(rec[nid]) for nid, name in compiled.fact_nodes if nid in rec}
    comparisons = []
    for nid, _, text, thresholds in compiled.compare_nodes:
        recorded = rec.get(nid)
        if recorded is not None:
            left, right, result = recorded
            comparisons.append(
                {
                    "expr": text,
                    "left": _plain(left),
                    "right": _plain(right),
                    "thresholds": list(thresholds),
                    "result": _plain(result),
                }
            )
    return reads, comparisons


def _thresholds(program: Program, compiled: Compiled) -> list[dict[str, Any]]:
    return program.threshold_dicts(compiled.thresholds) if compiled.thresholds else []


def _absent(facts: frozenset[str], env: Mapping[str, Any]) -> list[str]:
    return sorted(f for f in facts if f not in env)


def _check(program: Program, check: Check, env: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    rec: dict[int, Any] = {}
    result = check.cond.py(env, rec)
    reads, comparisons = _reads(check.cond, rec)
    step = {
        "kind": "check",
        "rule": check.name,
        "text": check.text,
        "from": check.origin.to_dict(),
        "expr": check.cond.source,
        "result": _plain(result),
        "reads": reads,
        "comparisons": comparisons,
        "thresholds": _thresholds(program, check.cond),
        "missing": _absent(check.facts, env) if result is MISSING else [],
    }
    return result, step


def _row_result(table: Table, row_index: int, env: dict[str, Any], rec: dict[int, Any]) -> Any:
    row = table.rows[row_index]
    values = [out.py(env, rec) for out in row.outputs]
    if any(v is MISSING for v in values):
        return MISSING
    return _shape(table, values)


def _shape(table: Table, values: list[Any]) -> Any:
    if len(table.outputs) == 1:
        return values[0]
    return {out.name: v for out, v in zip(table.outputs, values, strict=True)}


def _default(table: Table, env: dict[str, Any], rec: dict[int, Any]) -> Any:
    if not any(out.default for out in table.outputs):
        return None
    values = [out.default.py(env, rec) if out.default else None for out in table.outputs]
    return MISSING if any(v is MISSING for v in values) else _shape(table, values)


def _multi_default(table: Table, env: dict[str, Any], rec: dict[int, Any]) -> Any:
    """A multi-hit table with no match and a default: the default for an aggregate, else a list of it.

    DMN gives the default output when no rule matches, whatever the hit policy (the TCK's 0020 has
    COLLECT MAX tables defaulting to 0). A list-valued policy keeps its type: `[default]`, never a bare value.
    """
    default = _default(table, env, rec)
    if default is MISSING or table.aggregation:
        return default
    return [default]


def hit(table: Table, matched: list[int], env: dict[str, Any], rec: dict[int, Any]) -> Any:
    """The table's result for the matching rows (0-based indexes, in rule order)."""
    policy = table.hit_policy
    if policy in ("unique", "any", "priority", "first"):
        if not matched:
            return _default(table, env, rec)
        if policy == "unique" and len(matched) > 1:
            raise TableError(f"unique table {table.name!r}: rows {', '.join(str(i + 1) for i in matched)} all match")
        if policy == "priority":
            best = min(matched, key=lambda i: table.rows[i].rank)
            return _row_result(table, best, env, rec)
        results = [_row_result(table, i, env, rec) for i in (matched if policy == "any" else matched[:1])]
        if MISSING in results:
            return MISSING
        if policy == "any" and any(r != results[0] for r in results[1:]):
            raise TableError(
                f"any table {table.name!r}: rows {', '.join(str(i + 1) for i in matched)} match with different outputs"
            )
        return results[0]
    if not matched and any(out.default for out in table.outputs):
        return _multi_default(table, env, rec)
    if policy == "output_order":
        matched = sorted(matched, key=lambda i: table.rows[i].rank)
    results = [_row_result(table, i, env, rec) for i in matched]
    if MISSING in results:
        return MISSING
    match table.aggregation:
        case "count":
            return len(results)
        case "sum":
            return sum(results) if results else None
        case "min":
            return min(results) if results else None
        case "max":
            return max(results) if results else None
    return results


def _table(table: Table, env: dict[str, Any]) -> tuple[Any, dict[str, Any], str | None]:
    rec: dict[int, Any] = {}
    inputs: dict[str, Any] = {}
    for table_input in table.inputs:
        value = table_input.expr.py(env, rec)
        inputs[table_input.name] = _plain(value)
        if value is MISSING:
            env.pop(table_input.key, None)
        else:
            env[table_input.key] = value
    matched: list[int] = []
    undecided: list[int] = []
    for i, row in enumerate(table.rows):
        m = row.match.py(env, rec)
        if m is MISSING:
            undecided.append(i)
        elif m:
            matched.append(i)
    error = None
    result: Any = MISSING
    if undecided and not (table.hit_policy == "first" and matched and matched[0] < undecided[0]):
        result = MISSING
    else:
        try:
            result = hit(table, matched, env, rec)
        except TableError as exc:
            error, result = str(exc), None
    fired = [
        {
            "row": table.rows[i].index,
            "id": table.rows[i].id,
            "when": table.rows[i].cells,
            "then": [o.source for o in table.rows[i].outputs],
            "text": table.rows[i].text,
            "comparisons": _named(table, _reads(table.rows[i].match, rec)[1]),
        }
        for i in matched
    ]
    reads: dict[str, Any] = {}
    for table_input in table.inputs:
        reads.update(_reads(table_input.expr, rec)[0])
    for row in table.rows:
        reads.update(_reads(row.match, rec)[0])
    for key in [i.key for i in table.inputs]:
        env.pop(key, None)
    step = {
        "kind": "table",
        "rule": table.name,
        "text": table.text,
        "from": table.origin.to_dict(),
        "hit_policy": table.hit_policy + (f" {table.aggregation}" if table.aggregation else ""),
        "inputs": inputs,
        "reads": reads,
        "fired": fired,
        "result": _plain_deep(result),
        "missing": _absent(table.facts, env) if result is MISSING else [],
    }
    return result, step, error


def _named(table: Table, comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Comparisons of a row, with the table's inputs named as in the table (not `@table.k`)."""
    for comparison in comparisons:
        for table_input in table.inputs:
            comparison["expr"] = comparison["expr"].replace(table_input.key, table_input.name)
    return comparisons


def _plain_deep(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_deep(v) for k, v in value.items()}
    return _plain(value)


def _value(program: Program, value: Value, env: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    rec: dict[int, Any] = {}
    result = value.expr.py(env, rec)
    reads, comparisons = _reads(value.expr, rec)
    step = {
        "kind": "value",
        "rule": value.name,
        "text": value.text,
        "from": value.origin.to_dict(),
        "expr": value.expr.source,
        "result": _plain(result),
        "reads": reads,
        "comparisons": comparisons,
        "thresholds": _thresholds(program, value.expr),
        "missing": _absent(value.facts, env) if result is MISSING else [],
    }
    return result, step


def evaluate(program: Program, facts: Mapping[str, Any], on: date) -> Decision:
    """Decide one footprint. `facts` nested ({"fp": {...}}) or flat ({"fp.dqr": ...})."""
    env, invalid = normalise(facts, program.types)
    steps: list[dict[str, Any]] = []
    missing: set[str] = set()
    failed: list[str] = []
    undetermined: list[str] = []
    for check in program.checks:
        result, step = _check(program, check, env)
        steps.append(step)
        missing.update(step["missing"])
        if result is MISSING:
            undetermined.append(check.name)
        elif not result:
            failed.append(check.name)
    passed = False if failed else (None if undetermined else True)
    outcome: dict[str, Any] = {program.passed_key: passed, "reasons": failed}
    errors: list[str] = []
    incomplete = passed is None
    for table in program.tables:
        outcome[table.name] = None
        if passed:
            result, step, error = _table(table, env)
            steps.append(step)
            missing.update(step["missing"])
            incomplete |= result is MISSING
            if error:
                errors.append(error)
            outcome[table.name] = _plain_deep(result)
    for value in program.values:
        outcome[value.name] = None
        if passed:
            result, step = _value(program, value, env)
            steps.append(step)
            missing.update(step["missing"])
            incomplete |= result is MISSING
            outcome[value.name] = _plain(result)
    status = "error" if errors else "undetermined" if incomplete else "decided"
    return Decision(
        kind=program.kind,
        jurisdiction=program.jurisdiction,
        on=on,
        status=status,
        outcome=outcome,
        chain=list(program.chain),
        steps=steps,
        missing_inputs=sorted(missing),
        invalid_inputs=invalid,
        undetermined=undetermined,
        errors=errors,
        passed_key=program.passed_key,
    )

"""Stage 4b, evaluate many footprints at once: a `Program` over fact columns with numpy.

Same program, same semantics as `evaluate` (one at a time), including missing inputs and hit-policy
errors; a property test checks that they agree. There is no per-footprint trace here: when a
decision needs explaining, run it through `evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rules_engine import ir
from rules_engine.compile_np import Column, Columns
from rules_engine.evaluate import TableError, hit
from rules_engine.model import Program, Table

PASSED, FAILED, OPEN = 1, 0, -1


@dataclass
class Output:
    """One outcome entry over the rows: values, where it is null, and (multi-output tables) parts."""

    values: np.ndarray  # typed array, or object array (list-valued policies)
    null: np.ndarray
    parts: dict[str, Output] | None = None


@dataclass
class BatchResult:
    n: int
    passed_key: str
    passed: np.ndarray  # int8: PASSED / FAILED / OPEN
    status: np.ndarray  # "decided" | "undetermined" | "error"
    checks: list[str]
    failed: dict[str, np.ndarray]
    open_checks: dict[str, np.ndarray]
    outputs: dict[str, Output]
    missing: dict[str, np.ndarray]
    errors: dict[int, str]  # row -> hit-policy error message
    programs: np.ndarray | None = None  # which program decided each row (index into `chains`)
    chains: list[Any] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Per footprint: status, outcome, missing_inputs, undetermined, errors; as `Decision.to_dict`."""
        out = []
        for i in range(self.n):
            outcome: dict[str, Any] = {
                self.passed_key: None if self.passed[i] == OPEN else bool(self.passed[i] == PASSED),
                "reasons": [c for c in self.checks if self.failed[c][i]],
            }
            for key, output in self.outputs.items():
                outcome[key] = _item(output, i)
            out.append(
                {
                    "status": str(self.status[i]),
                    "outcome": outcome,
                    "missing_inputs": sorted(f for f, mask in self.missing.items() if mask[i]),
                    "undetermined": [c for c in self.checks if self.open_checks[c][i]],
                    "errors": [self.errors[i]] if i in self.errors else [],
                }
            )
        return out


def _item(output: Output, i: int) -> Any:
    if output.null[i]:
        return None
    if output.parts is not None:
        return {k: _item(part, i) for k, part in output.parts.items()}
    value = output.values[i]
    return value.item() if isinstance(value, np.generic) else value


_DTYPE = {ir.DOUBLE: np.float64, ir.INT: np.int64, ir.BOOL: np.bool_, ir.STRING: np.str_}


def _full(value: Any, n: int) -> np.ndarray:
    array = np.asarray(value)
    return np.broadcast_to(array, (n,)) if array.ndim == 0 else array


def _mask(missing: Any, n: int) -> np.ndarray:
    return np.zeros(n, bool) if missing is None else _full(missing, n)


def evaluate_batch(program: Program, cols: Columns) -> BatchResult:
    n = cols.n
    with np.errstate(all="ignore"):
        return _evaluate(program, cols, n)


def _note_missing(
    missing: dict[str, np.ndarray],
    facts: frozenset[str],
    rows: np.ndarray,
    cols: Columns,
    types: dict[str, str],
) -> None:
    if not rows.any():
        return
    for name in facts:
        hit = rows & cols.get(name, types[name]).absent
        if hit.any():
            missing[name] = missing[name] | hit if name in missing else hit


def _evaluate(program: Program, cols: Columns, n: int) -> BatchResult:
    failed: dict[str, np.ndarray] = {}
    open_checks: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    any_failed = np.zeros(n, bool)
    any_open = np.zeros(n, bool)
    for check in program.checks:
        values, miss = check.cond.np(cols)
        miss = _mask(miss, n)
        fail = ~_full(values, n) & ~miss
        failed[check.name], open_checks[check.name] = fail, miss
        any_failed |= fail
        any_open |= miss
        _note_missing(missing, check.facts, miss, cols, program.types)
    passed = np.where(any_failed, FAILED, np.where(any_open, OPEN, PASSED)).astype(np.int8)
    ok = passed == PASSED
    incomplete = passed == OPEN
    errors: dict[int, str] = {}
    has_error = np.zeros(n, bool)
    outputs: dict[str, Output] = {}
    for table in program.tables:
        output, miss, error = _table(table, cols, n)
        miss &= ok
        error &= ok & ~miss
        _null_outside(output, ~ok | miss | error)
        outputs[table.name] = output
        incomplete |= miss
        _note_missing(missing, table.facts, miss, cols, program.types)
        if error.any():
            has_error |= error
            for i in np.flatnonzero(error):
                errors.setdefault(int(i), _error_message(table, cols, int(i)))
    for value in program.values:
        values, miss = value.expr.np(cols)
        miss = _mask(miss, n) & ok
        outputs[value.name] = Output(np.array(_full(values, n)), ~ok | miss)
        incomplete |= miss
        _note_missing(missing, value.facts, miss, cols, program.types)
    status = np.where(has_error, "error", np.where(incomplete, "undetermined", "decided"))
    return BatchResult(
        n,
        program.passed_key,
        passed,
        status,
        [c.name for c in program.checks],
        failed,
        open_checks,
        outputs,
        missing,
        errors,
    )


def _null_outside(output: Output, null: np.ndarray) -> None:
    output.null = output.null | null
    for part in (output.parts or {}).values():
        _null_outside(part, null)


def _table(table: Table, cols: Columns, n: int) -> tuple[Output, np.ndarray, np.ndarray]:
    """(output, missing, error) of a table over all rows."""
    local = Columns(n, cols.columns)
    local._empty = cols._empty
    for table_input in table.inputs:
        values, miss = table_input.expr.np(cols)
        local.columns[table_input.key] = Column(np.array(_full(values, n)), ~_mask(miss, n))
    count = len(table.rows)
    matched = np.zeros((count, n), bool)
    undecided = np.zeros((count, n), bool)
    for r, row in enumerate(table.rows):
        values, miss = row.match.np(local)
        miss = _mask(miss, n)
        matched[r] = _full(values, n) & ~miss
        undecided[r] = miss
    any_matched = matched.any(axis=0)
    first_match = np.where(any_matched, matched.argmax(axis=0), count)
    any_undecided = np.asarray(undecided.any(axis=0))
    first_undecided = np.where(any_undecided, undecided.argmax(axis=0), count)
    missing = any_undecided.copy()
    if table.hit_policy == "first":
        missing &= ~(any_matched & (first_match < first_undecided))
    row_values = [[_row_output(out, local, n) for out in row.outputs] for row in table.rows]
    policy = table.hit_policy
    error = np.zeros(n, bool)
    if policy in ("unique", "any", "priority", "first"):
        if policy == "priority":
            order = sorted(range(count), key=lambda r: (table.rows[r].rank, r))
            ranked = matched[order]
            selected = np.asarray(order)[ranked.argmax(axis=0)]
        else:
            selected = first_match.clip(max=count - 1)
        output, out_missing = _select(table, row_values, selected, n)
        if policy == "unique":
            error = matched.sum(axis=0) > 1
        if policy == "any":
            differ = np.zeros(n, bool)
            out_missing = np.zeros(n, bool)
            for r in range(count):
                for k, (values, miss) in enumerate(row_values[r]):
                    out_missing |= matched[r] & miss
                    chosen = output.parts[table.outputs[k].name].values if output.parts else output.values
                    differ |= matched[r] & (values != chosen)
            error = differ & ~out_missing
        default, default_missing = _default(table, local, n)
        none: np.ndarray = np.logical_not(any_matched)
        _fill(output, default, none)
        out_missing = np.where(none, default_missing, out_missing & any_matched)
        if policy == "unique":
            out_missing &= ~error
        return output, missing | out_missing, error
    return _multi(table, row_values, matched, local, missing)


def _row_output(compiled: Any, cols: Columns, n: int) -> tuple[np.ndarray, np.ndarray]:
    values, miss = compiled.np(cols)
    return _full(values, n), _mask(miss, n)


def _select(
    table: Table, row_values: list[list[tuple[np.ndarray, np.ndarray]]], selected: np.ndarray, n: int
) -> tuple[Output, np.ndarray]:
    parts: dict[str, Output] = {}
    out_missing = np.zeros(n, bool)
    columns = np.arange(n)
    for k, spec in enumerate(table.outputs):
        stacked: np.ndarray = np.stack([np.asarray(rv[k][0], dtype=_DTYPE[spec.type]) for rv in row_values])
        miss = np.stack([rv[k][1] for rv in row_values])
        parts[spec.name] = Output(stacked[selected, columns], np.zeros(n, bool))
        out_missing |= miss[selected, columns]
    if len(table.outputs) == 1:
        only = parts[table.outputs[0].name]
        return Output(only.values, only.null), out_missing
    return Output(np.zeros(n), np.zeros(n, bool), parts), out_missing


def _default(table: Table, cols: Columns, n: int) -> tuple[list[tuple[np.ndarray, np.ndarray]] | None, np.ndarray]:
    if not any(out.default for out in table.outputs):
        return None, np.zeros(n, bool)
    values = []
    missing = np.zeros(n, bool)
    for out in table.outputs:
        if out.default is None:
            values.append((np.full(n, None, object), np.ones(n, bool)))
            continue
        v, m = _row_output(out.default, cols, n)
        values.append((v, m))
        missing |= m
    return values, missing


def _fill(output: Output, default: list[tuple[np.ndarray, np.ndarray]] | None, none: np.ndarray) -> None:
    parts = list(output.parts.values()) if output.parts else [output]
    for k, part in enumerate(parts):
        if default is None:
            part.null = part.null | none
        else:
            values, null = default[k]
            part.values = np.where(none, values, part.values) if part.values.dtype != object else part.values
            part.null = part.null | (none & null)
    if output.parts:
        output.null = output.null | (none & (default is None))


def _multi(
    table: Table,
    row_values: list[list[tuple[np.ndarray, np.ndarray]]],
    matched: np.ndarray,
    cols: Columns,
    missing: np.ndarray,
) -> tuple[Output, np.ndarray, np.ndarray]:
    """Rule order, output order and collect: per-row lists or an aggregate; the default where no row matched."""
    n = cols.n
    count = len(table.rows)
    out_missing = np.zeros(n, bool)
    for r in range(count):
        for _, miss in row_values[r]:
            out_missing |= matched[r] & miss
    none: np.ndarray = np.logical_not(matched.any(axis=0))
    default, default_missing = _default(table, cols, n)
    if default is not None:
        out_missing |= none & default_missing
    no_error = np.zeros(n, bool)
    if table.aggregation:
        output = _aggregate(table, row_values, matched)
        if default is not None:
            _fill_aggregate(output, default[0], none)
        return output, missing | out_missing, no_error
    order = list(range(count))
    if table.hit_policy == "output_order":
        order = sorted(order, key=lambda r: (table.rows[r].rank, r))
    lists = np.empty(n, object)
    for i in range(n):
        if default is not None and none[i]:
            lists[i] = [_shape_item(table, [_plain_item(values[i]) for values, _ in default])]
            continue
        items = []
        for r in order:
            if matched[r, i]:
                items.append(_shape_item(table, [_plain_item(rv[0][i]) for rv in row_values[r]]))
        lists[i] = items
    return Output(lists, np.zeros(n, bool)), missing | out_missing, no_error


def _aggregate(table: Table, row_values: list[list[tuple[np.ndarray, np.ndarray]]], matched: np.ndarray) -> Output:
    """Count, sum, min or max of the matching rows' (single) output; sum/min/max of no rows is null."""
    hits = matched.sum(axis=0)
    if table.aggregation == "count":
        return Output(hits.astype(np.int64), np.zeros(hits.shape[0], bool))
    values: np.ndarray = np.stack([np.asarray(rv[0][0], dtype=np.float64) for rv in row_values])
    result: np.ndarray
    if table.aggregation == "sum":
        result = np.where(matched, values, 0.0).sum(axis=0)
    elif table.aggregation == "min":
        result = np.where(matched, values, np.inf).min(axis=0)
    else:
        result = np.where(matched, values, -np.inf).max(axis=0)
    if table.outputs[0].type == ir.INT:
        result = result.astype(np.int64)
    return Output(result, hits == 0)


def _fill_aggregate(output: Output, default: tuple[np.ndarray, np.ndarray], none: np.ndarray) -> None:
    """The default where no row matched; an object array, so that a count keeps its integers beside it."""
    values, _ = default
    filled = output.values.astype(object)
    for i in np.flatnonzero(none):
        filled[i] = _plain_item(values[i])
    output.values = filled
    output.null = output.null & ~none


def _plain_item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _shape_item(table: Table, row: list[Any]) -> Any:
    """One list item: the value of a single-output table, else the record of its outputs."""
    return row[0] if len(row) == 1 else {o.name: v for o, v in zip(table.outputs, row, strict=True)}


def _error_message(table: Table, cols: Columns, i: int) -> str:
    """The same message as the one-at-a-time evaluator, for one row (recomputed for that row only)."""
    env: dict[str, Any] = {}
    for name, col in cols.columns.items():
        if col.present[i]:
            env[name] = (
                tuple(v for v, on in zip(col.vocab, col.values[i], strict=True) if on)
                if col.vocab is not None
                else col.values[i].item()
            )
    for table_input in table.inputs:
        value = table_input.expr.py(env, None)
        env[table_input.key] = value
    matched = [r for r, row in enumerate(table.rows) if row.match.py(env, None) is True]
    try:
        hit(table, matched, env, {})
    except TableError as error:
        return str(error)
    return f"table {table.name!r}: hit-policy violation"

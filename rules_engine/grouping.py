"""Batch decisions over footprints of many categories: rows grouped by the program (layer chain) that
decides them, decided group by group, and the results put back in row order."""

from __future__ import annotations

from typing import Any

import numpy as np

from rules_engine.batch import BatchResult, Output
from rules_engine.compile_np import Columns
from rules_engine.model import Program


def scatter(n: int, parts: list[tuple[Program, np.ndarray, BatchResult]]) -> BatchResult:
    """One result from the results of groups of rows (each decided by its own program)."""
    first = parts[0][2]
    checks: list[str] = []
    for _, _, part in parts:
        checks += [c for c in part.checks if c not in checks]
    out = BatchResult(
        n,
        first.passed_key,
        np.zeros(n, np.int8),
        np.empty(n, dtype=np.result_type(*[part.status.dtype for _, _, part in parts])),
        checks,
        {c: np.zeros(n, bool) for c in checks},
        {c: np.zeros(n, bool) for c in checks},
        {},
        {},
        {},
    )
    programs = np.zeros(n, np.int32)
    out.programs = programs
    for index, (program, rows, part) in enumerate(parts):
        out.chains.append(program.chain)
        programs[rows] = index
        out.passed[rows] = part.passed
        out.status[rows] = part.status
        out.errors.update({int(rows[i]): message for i, message in part.errors.items()})
        for c in part.checks:
            out.failed[c][rows] = part.failed[c]
            out.open_checks[c][rows] = part.open_checks[c]
        for f, mask in part.missing.items():
            out.missing.setdefault(f, np.zeros(n, bool))[rows] = mask
        for key, output in part.outputs.items():
            target = out.outputs.get(key)
            if target is None:
                target = out.outputs[key] = _empty_like([p.outputs[key] for _, _, p in parts if key in p.outputs], n)
            _put(target, output, rows)
    return out


def _empty_like(outputs: list[Any], n: int) -> Any:
    """An all-null output able to hold every group's values (same dtype where they agree)."""
    kinds = {o.values.dtype.kind for o in outputs}
    dtype = np.result_type(*[o.values.dtype for o in outputs]) if len(kinds) == 1 else np.dtype(object)
    parts = None
    if outputs[0].parts:
        parts = {k: _empty_like([o.parts[k] for o in outputs if o.parts], n) for k in outputs[0].parts}
    return Output(np.empty(n, dtype=dtype), np.ones(n, bool), parts)


def _put(target: Any, output: Any, rows: np.ndarray) -> None:
    target.values[rows] = output.values
    target.null[rows] = output.null
    for key, part in (output.parts or {}).items():
        _put(target.parts[key], part, rows)


def codes(cols: Columns, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, index of each row's value) of a string column; '' where missing.
    Short ASCII codes (like KP-46) are packed into integers first: sorting integers is much faster."""
    col = cols.columns.get(name)
    if col is None:
        return np.array([""]), np.zeros(cols.n, np.intp)
    values = np.where(col.present, col.values, "") if not col.present.all() else col.values
    width = values.dtype.itemsize // 4
    if values.dtype.kind == "U" and 0 < width <= 8:
        chars = values.view(np.uint32).reshape(len(values), width)
        if len(values) == 0 or chars.max() < 256:
            packed = np.zeros(len(values), np.uint64)
            for k in range(width):
                packed = (packed << np.uint64(8)) | chars[:, k].astype(np.uint64)
            _, first, index = np.unique(packed, return_index=True, return_inverse=True)
            return values[first], index
    return np.unique(values, return_inverse=True)

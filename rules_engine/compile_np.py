"""Stage 3b, compile for many footprints at once: a checked tree to numpy array operations.

The same checked tree as `compile_py`, so the two evaluators cannot read a rule differently. Facts are
columns (`Columns`); a compiled function returns `(values, missing)` where `missing` is a bool array
or None (nothing missing). Missing values follow the same rules as one at a time: `&&` / `||` absorb a
missing side when the other side decides; everything else is missing when an operand is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rules_engine import ir

Array = Any  # an ndarray, or a Python scalar for a constant
Result = tuple[Array, Any]  # (values, missing mask or None)
BatchFn = Callable[["Columns"], Result]

_FILL = {ir.DOUBLE: np.nan, ir.INT: 0, ir.BOOL: False, ir.STRING: ""}
_DTYPE = {ir.DOUBLE: np.float64, ir.INT: np.int64, ir.BOOL: np.bool_, ir.STRING: np.str_}


@dataclass
class Column:
    values: np.ndarray  # list facts: a bool matrix (rows x vocab) of membership
    present: np.ndarray
    vocab: tuple[Any, ...] | None = None

    @property
    def absent(self) -> np.ndarray:
        return ~self.present


class Columns:
    """Facts as columns: one `Column` per fact name, all of length n."""

    def __init__(self, n: int, columns: Mapping[str, Column]) -> None:
        self.n = n
        self.columns = dict(columns)
        self._empty: dict[str, Column] = {}

    def get(self, name: str, kind: str) -> Column:
        if name in self.columns:
            return self.columns[name]
        if name not in self._empty:
            if kind.startswith("list("):
                self._empty[name] = Column(np.zeros((self.n, 0), bool), np.zeros(self.n, bool), ())
            else:
                self._empty[name] = Column(np.full(self.n, _FILL[kind], _DTYPE[kind]), np.zeros(self.n, bool))
        return self._empty[name]

    def take(self, rows: np.ndarray, names: Iterable[str] | None = None) -> Columns:
        """The given rows (integer indexes) of the named columns (default: all)."""
        wanted = self.columns.keys() if names is None else [n for n in names if n in self.columns]
        return Columns(
            len(rows),
            {
                name: Column(
                    self.columns[name].values[rows],
                    self.columns[name].present[rows],
                    self.columns[name].vocab,
                )
                for name in wanted
            },
        )

    @classmethod
    def from_records(cls, records: list[Mapping[str, Any]], types: Mapping[str, str]) -> Columns:
        """Columns from flat fact dicts (absent key or None: missing). Values must already have their
        vocabulary types (see `facts.normalise`)."""
        n = len(records)
        columns: dict[str, Column] = {}
        for name, kind in types.items():
            raw = [r.get(name) for r in records]
            present = np.fromiter((v is not None for v in raw), bool, n)
            if not present.any():
                continue
            if kind.startswith("list("):
                columns[name] = list_column(raw, present)
            else:
                fill = _FILL[kind]
                array: np.ndarray = np.array([fill if v is None else v for v in raw], dtype=_DTYPE[kind])
                columns[name] = Column(array, present)
        return cls(n, columns)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any], types: Mapping[str, str]) -> Columns:
        """Columns from arrays: NaN (doubles) or None/masked entries are missing. List facts take a
        sequence of lists (or None)."""
        n = len(next(iter(arrays.values()))) if arrays else 0
        columns: dict[str, Column] = {}
        for name, data in arrays.items():
            kind = types.get(name)
            if kind is None:
                continue
            if kind.startswith("list("):
                raw = list(data)
                columns[name] = list_column(raw, np.fromiter((v is not None for v in raw), bool, n))
                continue
            array = np.asarray(data)
            if array.dtype == object:
                present = np.fromiter((v is not None and v == v for v in array), bool, n)
                fill = _FILL[kind]
                array = np.array([v if p else fill for v, p in zip(array, present, strict=True)], _DTYPE[kind])
            elif kind == ir.DOUBLE:
                array = array.astype(np.float64, copy=False)
                present = ~np.isnan(array)
            elif array.dtype.kind == "f":  # an int or bool column given as floats, NaN = missing
                present = ~np.isnan(array)
                array = np.where(present, array, 0).astype(_DTYPE[kind])
            else:
                array = array.astype(_DTYPE[kind], copy=False)
                present = np.ones(n, bool)
            columns[name] = Column(array, present)
        return cls(n, columns)


def list_column(raw: list[Iterable[Any] | None], present: np.ndarray) -> Column:
    """A list fact as a membership matrix over the values seen in the batch."""
    vocab: dict[Any, int] = {}
    cache: dict[tuple[Any, ...], list[int]] = {}
    rows_idx: list[list[int]] = []
    for value in raw:
        key = tuple(value) if value is not None else ()
        idx = cache.get(key)
        if idx is None:
            idx = cache[key] = [vocab.setdefault(v, len(vocab)) for v in key]
        rows_idx.append(idx)
    matrix = np.zeros((len(raw), len(vocab)), bool)
    for i, idx in enumerate(rows_idx):
        if idx:
            matrix[i, idx] = True
    return Column(matrix, present, tuple(vocab))


def _miss_or(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def _known(values: Array, missing: Any, truth: bool) -> Any:
    """Where the value is known and equal to `truth`."""
    hit = np.asarray(values, bool) if truth else np.logical_not(values)
    return hit if missing is None else hit & ~missing


_CMP = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
_ARITH = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _round(x: Array) -> Array:
    return np.copysign(np.floor(np.abs(x) + 0.5), x)


_FUNCS: dict[str, Callable[..., Array]] = {
    "double": lambda x: np.asarray(x, np.float64),
    "math.least": np.minimum,
    "math.greatest": np.maximum,
    "math.round": _round,
    "math.abs": np.abs,
    "startsWith": lambda s, p: np.char.startswith(s, p),
    "endsWith": lambda s, p: np.char.endswith(s, p),
    "contains": lambda s, p: np.char.find(s, p) >= 0,
}


def compile_batch(expr: ir.Expr) -> BatchFn:
    match expr:
        case ir.Const(value=value):
            return lambda cols: (value, None)
        case ir.Fact(name=name, type=kind):

            def fact(cols: Columns) -> Result:
                col = cols.get(name, kind)
                return col.values, (None if col.present.all() else col.absent)

            return fact
        case ir.Has(name=name, type=kind):
            return lambda cols: (cols.get(name, kind).present, None)
        case ir.Not(operand=operand):
            inner = compile_batch(operand)

            def not_(cols: Columns) -> Result:
                values, missing = inner(cols)
                return np.logical_not(values), missing

            return not_
        case ir.Neg(operand=operand):
            inner = compile_batch(operand)

            def neg(cols: Columns) -> Result:
                values, missing = inner(cols)
                return np.negative(values), missing

            return neg
        case ir.Logic(op=op, left=left, right=right):
            return _logic(op == "&&", compile_batch(left), compile_batch(right))
        case ir.Compare(op=op, left=left, right=right):
            return _binary(_CMP[op], compile_batch(left), compile_batch(right))
        case ir.Arith(op=op, left=left, right=right):
            return _binary(_ARITH[op], compile_batch(left), compile_batch(right))
        case ir.InConst(operand=operand, values=values):
            inner, members = compile_batch(operand), list(values)

            def in_const(cols: Columns) -> Result:
                values_, missing = inner(cols)
                return np.isin(values_, members), missing

            return in_const
        case ir.ListTest(fact=list_fact, values=values, all_of=all_of):

            def list_test(cols: Columns) -> Result:
                col = cols.get(list_fact.name, list_fact.type)
                vocab = col.vocab or ()
                idx = [vocab.index(v) for v in values if v in vocab]
                missing = None if col.present.all() else col.absent
                if all_of:
                    if len(idx) < len(set(values)):
                        return np.zeros(cols.n, bool), missing
                    return col.values[:, idx].all(axis=1), missing
                return col.values[:, idx].any(axis=1), missing

            return list_test
        case ir.Cond(cond=cond, then=then, otherwise=otherwise):
            c, t, o = compile_batch(cond), compile_batch(then), compile_batch(otherwise)

            def conditional(cols: Columns) -> Result:
                cv, cm = c(cols)
                tv, tm = t(cols)
                ov, om = o(cols)
                values = np.where(cv, tv, ov)
                branch_missing = None
                if tm is not None or om is not None:
                    branch_missing = np.where(cv, False if tm is None else tm, False if om is None else om)
                return values, _miss_or(cm, branch_missing)

            return conditional
        case ir.Func(name=name, args=args):
            fn, parts = _FUNCS[name], [compile_batch(a) for a in args]

            def call(cols: Columns) -> Result:
                results = [p(cols) for p in parts]
                missing = None
                for _, m in results:
                    missing = _miss_or(missing, m)
                return fn(*(v for v, _ in results)), missing

            return call
    raise TypeError(f"cannot compile {type(expr).__name__}")


def _logic(is_and: bool, left: BatchFn, right: BatchFn) -> BatchFn:
    decisive = not is_and
    combine = np.logical_or if decisive else np.logical_and

    def logic(cols: Columns) -> Result:
        av, am = left(cols)
        bv, bm = right(cols)
        values = combine(av, bv)
        if am is None and bm is None:
            return values, None
        decided = _known(av, am, decisive) | _known(bv, bm, decisive)
        return values, _miss_or(am, bm) & ~decided

    return logic


def _binary(op: Callable[[Array, Array], Array], left: BatchFn, right: BatchFn) -> BatchFn:
    def binary(cols: Columns) -> Result:
        av, am = left(cols)
        bv, bm = right(cols)
        return op(av, bv), _miss_or(am, bm)

    return binary

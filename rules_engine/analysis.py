"""Load-time lint of decision tables: overlapping rows in a unique table, and gaps between the
thresholds of a numeric input (a hole between the lowest and the highest bound the rows cover).

Cells are read from their unary tests: numeric comparisons and intervals whose bounds are numbers, or
facts in one declared ordering (e.g. benchmark.p10 <= benchmark.p25 <= ...; ordered facts are taken as
distinct), and equality with strings/booleans. Any other cell is not analysed (never reported).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from rules_engine import ir
from rules_engine import syntax as s
from rules_engine.issues import Issue, Position
from rules_engine.vocabulary import Vocabulary

INF = math.inf


@dataclass(frozen=True)
class Bound:
    value: Any  # a number, a fact name (str), or +-inf

    def cmp(self, other: Bound, vocabulary: Vocabulary) -> int | None:
        a, b = self.value, other.value
        if a == b:
            return 0
        if a == -INF or b == INF:
            return -1
        if a == INF or b == -INF:
            return 1
        if isinstance(a, str) and isinstance(b, str):
            return vocabulary.rank(a, b)
        if isinstance(a, str) or isinstance(b, str):
            return None
        return (a > b) - (a < b)

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Interval:
    low: Bound
    low_closed: bool
    high: Bound
    high_closed: bool


ANY = "any"
Shape = Any  # ANY | list[Interval] | frozenset (discrete values) | None (not analysable)


def _bound(expr: ir.Expr) -> Bound | None:
    if isinstance(expr, ir.Const) and expr.type in ir.NUMERIC:
        return Bound(float(expr.value))
    if isinstance(expr, ir.Fact):
        return Bound(expr.name)
    return None


def shape(cell: s.Node, checked: list[ir.Expr]) -> Shape:
    """The set of values a cell matches, when it is simple enough to say. `checked` holds the checked
    operand(s) of each test, in order (one for a comparison, two for an interval)."""
    if isinstance(cell, s.AnyTest):
        return ANY
    if not isinstance(cell, s.TestList) or cell.negated:
        return None
    intervals: list[Interval] = []
    discrete: set[Any] = set()
    operands = iter(checked)
    for test in cell.tests:
        if isinstance(test, s.IntervalTest):
            low, high = _bound(next(operands)), _bound(next(operands))
            if low is None or high is None:
                return None
            intervals.append(Interval(low, test.low_closed, high, test.high_closed))
            continue
        assert isinstance(test, s.CompareTest)
        operand = next(operands)
        if test.op == "==" and isinstance(operand, ir.Const) and operand.type in (ir.STRING, ir.BOOL):
            discrete.add(operand.value)
            continue
        b = _bound(operand)
        if b is None or test.op == "!=":
            return None
        low, high = Bound(-INF), Bound(INF)
        match test.op:
            case "<" | "<=":
                intervals.append(Interval(low, False, b, test.op == "<="))
            case ">" | ">=":
                intervals.append(Interval(b, test.op == ">=", high, False))
            case "==":
                intervals.append(Interval(b, True, b, True))
    if intervals and discrete:
        return None
    return frozenset(discrete) if discrete else intervals


def _intervals_meet(a: Interval, b: Interval, vocabulary: Vocabulary) -> bool | None:
    """Whether two intervals share a value; None when the bounds cannot be compared."""
    c1 = a.low.cmp(b.high, vocabulary)
    c2 = b.low.cmp(a.high, vocabulary)
    if c1 is None or c2 is None:
        return None
    ok1 = c1 < 0 or (c1 == 0 and a.low_closed and b.high_closed)
    ok2 = c2 < 0 or (c2 == 0 and b.low_closed and a.high_closed)
    return ok1 and ok2


def _shapes_meet(a: Shape, b: Shape, vocabulary: Vocabulary) -> bool | None:
    if a is None or b is None:
        return None
    if a == ANY or b == ANY:
        return True
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return bool(a & b)
    if isinstance(a, list) and isinstance(b, list):
        results = [_intervals_meet(x, y, vocabulary) for x in a for y in b]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    return None


@dataclass
class RowShapes:
    index: int  # 1-based
    where: list[Position]  # one per cell
    shapes: list[Shape]
    texts: list[str]


def overlaps(table: str, rows: list[RowShapes], vocabulary: Vocabulary) -> list[Issue]:
    issues = []
    for a, b in combinations(rows, 2):
        if all(_shapes_meet(x, y, vocabulary) is True for x, y in zip(a.shapes, b.shapes, strict=True)):
            issues.append(
                b.where[0].issue(
                    "overlap",
                    f"unique table {table!r}: rows {a.index} and {b.index} overlap "
                    f"({' | '.join(a.texts)} and {' | '.join(b.texts)}); a unique table needs disjoint rows",
                )
            )
    return issues


def gaps(table: str, rows: list[RowShapes], vocabulary: Vocabulary) -> list[Issue]:
    """Holes between thresholds of one numeric input, among rows whose other cells are the same."""
    issues: list[Issue] = []
    if not rows:
        return issues
    for column in range(len(rows[0].shapes)):
        groups: dict[tuple[str, ...], list[tuple[Interval, RowShapes]]] = {}
        skip: set[tuple[str, ...]] = set()
        for row in rows:
            key = tuple(t for i, t in enumerate(row.texts) if i != column)
            cell = row.shapes[column]
            if not isinstance(cell, list):
                skip.add(key)
                continue
            groups.setdefault(key, []).extend((interval, row) for interval in cell)
        for key, items in groups.items():
            if key not in skip and len(items) > 1:
                issues += _sweep(table, column, items, vocabulary)
    return issues


def _sweep(table: str, column: int, items: list[tuple[Interval, RowShapes]], vocabulary: Vocabulary) -> list[Issue]:
    bounds = [b for i, _ in items for b in (i.low, i.high)]
    if any(x.cmp(y, vocabulary) is None for x, y in combinations(bounds, 2)):
        return []
    ordered = sorted(items, key=lambda item: _sort_key(item[0].low, bounds, vocabulary))
    reach, reach_closed = ordered[0][0].high, ordered[0][0].high_closed
    issues = []
    for interval, row in ordered[1:]:
        c = interval.low.cmp(reach, vocabulary)
        assert c is not None
        if c > 0 or (c == 0 and not interval.low_closed and not reach_closed):
            issues.append(
                row.where[column].issue(
                    "gap",
                    f"table {table!r}, input {column + 1}: no row covers the values between {reach} and "
                    f"{interval.low} (row {row.index} starts at {interval.low})",
                )
            )
        c = interval.high.cmp(reach, vocabulary)
        assert c is not None
        if c > 0 or (c == 0 and interval.high_closed):
            reach, reach_closed = interval.high, interval.high_closed
    return issues


def _sort_key(bound: Bound, bounds: list[Bound], vocabulary: Vocabulary) -> int:
    return sum(1 for other in bounds if (bound.cmp(other, vocabulary) or 0) > 0)

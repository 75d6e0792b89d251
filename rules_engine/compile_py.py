"""Stage 3a, compile for one footprint at a time: a checked tree to nested Python closures.

A closure takes the facts (a flat dict of the facts that are present) and a recorder dict or None; it
returns the value, or MISSING when a fact it needs is absent. `&&` and `||` absorb a missing side when
the other side decides (as CEL absorbs errors and unknowns), so `false && <missing>` is false.
With a recorder, fact reads and comparisons write their values under the node's id: the explanation
is built from those recorded values (cel-go's evaluation-state observer), not by evaluating again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from rules_engine import ir


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        raise TypeError("MISSING has no truth value")


MISSING: Any = _Missing()
Env = dict[str, Any]
Rec = dict[int, Any] | None
Closure = Callable[[Env, Rec], Any]


def divide(a: float, b: float) -> float:
    """IEEE 754 division, as numpy does it: x/0 is +-inf, 0/0 is nan (Python would raise)."""
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def round_half_away(x: float) -> float:
    if not math.isfinite(x):
        return x
    return math.copysign(math.floor(abs(x) + 0.5), x)


def least(a: Any, b: Any) -> Any:
    if a != a or b != b:
        return math.nan
    return a if a <= b else b


def greatest(a: Any, b: Any) -> Any:
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": divide,
}
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_FUNCS: dict[str, Callable[..., Any]] = {
    "double": float,
    "math.least": least,
    "math.greatest": greatest,
    "math.round": round_half_away,
    "math.abs": abs,
    "startsWith": lambda s, p: s.startswith(p),
    "endsWith": lambda s, p: s.endswith(p),
    "contains": lambda s, p: p in s,
}


def compile_expr(expr: ir.Expr) -> Closure:
    match expr:
        case ir.Const(value=value):
            return lambda env, rec: value
        case ir.Fact(name=name, nid=nid):

            def fact(env: Env, rec: Rec) -> Any:
                value = env.get(name, MISSING)
                if rec is not None:
                    rec[nid] = value
                return value

            return fact
        case ir.Has(name=name):
            return lambda env, rec: name in env
        case ir.Not(operand=operand):
            inner = compile_expr(operand)

            def not_(env: Env, rec: Rec) -> Any:
                value = inner(env, rec)
                return MISSING if value is MISSING else not value

            return not_
        case ir.Neg(operand=operand):
            inner = compile_expr(operand)

            def neg(env: Env, rec: Rec) -> Any:
                value = inner(env, rec)
                return MISSING if value is MISSING else -value

            return neg
        case ir.Logic(op=op, left=left, right=right):
            return _logic(op == "&&", compile_expr(left), compile_expr(right))
        case ir.Compare(op=op, left=left, right=right, nid=nid):
            return _compare(_CMP[op], compile_expr(left), compile_expr(right), nid)
        case ir.Arith(op=op, left=left, right=right):
            return _binary(_ARITH[op], compile_expr(left), compile_expr(right))
        case ir.InConst(operand=operand, values=values):
            inner, members = compile_expr(operand), frozenset(values)

            def in_const(env: Env, rec: Rec) -> Any:
                value = inner(env, rec)
                return MISSING if value is MISSING else value in members

            return in_const
        case ir.ListTest(fact=list_fact, values=values, all_of=all_of):
            inner, wanted = compile_expr(list_fact), frozenset(values)

            def list_test(env: Env, rec: Rec) -> Any:
                value = inner(env, rec)
                if value is MISSING:
                    return MISSING
                return wanted.issubset(value) if all_of else not wanted.isdisjoint(value)

            return list_test
        case ir.Cond(cond=cond, then=then, otherwise=otherwise):
            c, t, o = compile_expr(cond), compile_expr(then), compile_expr(otherwise)

            def conditional(env: Env, rec: Rec) -> Any:
                value = c(env, rec)
                if value is MISSING:
                    return MISSING
                return t(env, rec) if value else o(env, rec)

            return conditional
        case ir.Func(name=name, args=args):
            fn, parts = _FUNCS[name], [compile_expr(a) for a in args]

            def call(env: Env, rec: Rec) -> Any:
                values = [p(env, rec) for p in parts]
                if any(v is MISSING for v in values):
                    return MISSING
                return fn(*values)

            return call
    raise TypeError(f"cannot compile {type(expr).__name__}")


def _logic(is_and: bool, left: Closure, right: Closure) -> Closure:
    decisive = not is_and  # False decides an &&, True decides an ||

    def logic(env: Env, rec: Rec) -> Any:
        a = left(env, rec)
        if a is not MISSING and a is decisive:
            return decisive
        b = right(env, rec)
        if b is not MISSING and b is decisive:
            return decisive
        if a is MISSING or b is MISSING:
            return MISSING
        return not decisive

    return logic


def _compare(op: Callable[[Any, Any], bool], left: Closure, right: Closure, nid: int) -> Closure:
    def compare(env: Env, rec: Rec) -> Any:
        a, b = left(env, rec), right(env, rec)
        result = MISSING if a is MISSING or b is MISSING else op(a, b)
        if rec is not None:
            rec[nid] = (a, b, result)
        return result

    return compare


def _binary(op: Callable[[Any, Any], Any], left: Closure, right: Closure) -> Closure:
    def binary(env: Env, rec: Rec) -> Any:
        a, b = left(env, rec), right(env, rec)
        if a is MISSING or b is MISSING:
            return MISSING
        return op(a, b)

    return binary

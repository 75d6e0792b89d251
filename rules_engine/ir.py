"""The checked tree: what the type checker makes of a syntax tree, and what both compilers read.

Every node knows its CEL type and the facts it reads. Parameters (named thresholds) are already
resolved to constants that remember their name, so a trace can say which threshold was compared.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

BOOL, INT, DOUBLE, STRING = "bool", "int", "double", "string"
LIST_STRING, LIST_DOUBLE, LIST_INT = "list(string)", "list(double)", "list(int)"
SCALAR_TYPES = (BOOL, INT, DOUBLE, STRING)
TYPES = (*SCALAR_TYPES, LIST_STRING, LIST_DOUBLE, LIST_INT)
NUMERIC = (INT, DOUBLE)

_ids = itertools.count(1)


@dataclass(eq=False)
class Expr:
    type: str
    nid: int = field(default_factory=lambda: next(_ids), init=False)

    def children(self) -> tuple[Expr, ...]:
        return ()

    def facts(self) -> set[str]:
        """Names of the facts this expression may read."""
        out: set[str] = set()
        for child in self.children():
            out |= child.facts()
        return out


@dataclass(eq=False)
class Const(Expr):
    value: Any = None
    label: str | None = None  # "params.max_dqr" when the constant is a named threshold


@dataclass(eq=False)
class Fact(Expr):
    name: str = ""

    def facts(self) -> set[str]:
        return {self.name}


@dataclass(eq=False)
class Has(Expr):
    """`has(fp.x)`: whether the fact is present; never missing itself."""

    name: str = ""

    def facts(self) -> set[str]:
        return set()


@dataclass(eq=False)
class Not(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(eq=False)
class Neg(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(eq=False)
class Logic(Expr):
    op: str  # "&&" or "||"
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(eq=False)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(eq=False)
class Arith(Expr):
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(eq=False)
class InConst(Expr):
    """`x in [constants]`."""

    operand: Expr
    values: tuple[Any, ...] = ()

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(eq=False)
class ListTest(Expr):
    """A test of a list fact against constants: `"x" in fp.l` (any), `sets.intersects` (any),
    `sets.contains` (all)."""

    fact: Fact
    values: tuple[Any, ...] = ()
    all_of: bool = False
    spelling: str = "in"

    def children(self) -> tuple[Expr, ...]:
        return (self.fact,)


@dataclass(eq=False)
class Cond(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.cond, self.then, self.otherwise)


@dataclass(eq=False)
class Func(Expr):
    """A built-in function: double, math.least, math.greatest, math.round, math.abs, startsWith,
    endsWith, contains (the last three on strings, with a constant argument)."""

    name: str = ""
    args: tuple[Expr, ...] = ()

    def children(self) -> tuple[Expr, ...]:
        return self.args


def walk(expr: Expr) -> list[Expr]:
    out = [expr]
    for child in expr.children():
        out += walk(child)
    return out


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def unparse(expr: Expr) -> str:
    """CEL text for a checked expression (for traces)."""
    match expr:
        case Const(label=str(label)):
            return label
        case Const(value=value):
            return _literal(value)
        case Fact(name=name):
            return name
        case Has(name=name):
            return f"has({name})"
        case Not(operand=operand):
            return f"!{_paren(operand)}"
        case Neg(operand=operand):
            return f"-{_paren(operand)}"
        case Logic(op=op, left=left, right=right) | Compare(op=op, left=left, right=right):
            return f"{_paren(left)} {op} {_paren(right)}"
        case Arith(op=op, left=left, right=right):
            return f"{_paren(left)} {op} {_paren(right)}"
        case InConst(operand=operand, values=values):
            return f"{_paren(operand)} in {_literal(values)}"
        case ListTest(fact=fact, values=values, spelling=spelling):
            if spelling == "in":
                return f"{_literal(values[0])} in {fact.name}"
            return f"sets.{spelling}({fact.name}, {_literal(values)})"
        case Cond(cond=c, then=t, otherwise=o):
            return f"{_paren(c)} ? {_paren(t)} : {_paren(o)}"
        case Func(name=name, args=args) if name in ("startsWith", "endsWith", "contains"):
            return f"{_paren(args[0])}.{name}({unparse(args[1])})"
        case Func(name=name, args=args):
            return f"{name}({', '.join(unparse(a) for a in args)})"
    return "?"


def _paren(expr: Expr) -> str:
    text = unparse(expr)
    simple = isinstance(expr, Const | Fact | Has | Func | Not | Neg)
    return text if simple else f"({text})"

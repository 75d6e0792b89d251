"""The syntax tree of cfhub's CEL subset and of decision-table unary tests (the parser's output)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False, slots=True)
class Node:
    line: int
    column: int


@dataclass(eq=False, slots=True)
class Literal(Node):
    value: Any  # bool, int, float or str


@dataclass(eq=False, slots=True)
class Ident(Node):
    name: str


@dataclass(eq=False, slots=True)
class Select(Node):
    operand: Node
    field: str


@dataclass(eq=False, slots=True)
class Call(Node):
    function: str
    target: Node | None  # receiver of a method call, e.g. `s.startsWith("x")` or `sets.intersects(...)`
    args: list[Node] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Unary(Node):
    op: str  # "!" or "-"
    operand: Node


@dataclass(eq=False, slots=True)
class Binary(Node):
    op: str  # "||" "&&" "<" "<=" ">" ">=" "==" "!=" "in" "+" "-" "*" "/"
    left: Node
    right: Node


@dataclass(eq=False, slots=True)
class Conditional(Node):
    cond: Node
    then: Node
    otherwise: Node


@dataclass(eq=False, slots=True)
class ListLit(Node):
    items: list[Node]


# --- unary tests (a decision-table cell), whose end points are CEL expressions ---


@dataclass(eq=False, slots=True)
class AnyTest(Node):
    """`-`: the cell matches every input value, including a missing one."""


@dataclass(eq=False, slots=True)
class CompareTest(Node):
    op: str  # "<" "<=" ">" ">=" "==" "!="
    operand: Node


@dataclass(eq=False, slots=True)
class IntervalTest(Node):
    low: Node
    low_closed: bool
    high: Node
    high_closed: bool


@dataclass(eq=False, slots=True)
class TestList(Node):
    tests: list[CompareTest | IntervalTest]  # matches when any matches
    negated: bool = False


def dotted_name(node: Node) -> str | None:
    """`fp.total_kgco2e` for Select(Ident(fp), total_kgco2e); None for anything else."""
    if isinstance(node, Ident):
        return node.name
    if isinstance(node, Select):
        head = dotted_name(node.operand)
        return None if head is None else f"{head}.{node.field}"
    return None

"""Stage 2, check: a syntax tree to a typed tree against the fact vocabulary and the rule set's params.

A misspelt fact, a string compared with a number, int mixed with double in arithmetic (CEL keeps them
apart), or a construct the batch evaluator could not run is an issue with file, line and column.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from rules_engine import ir
from rules_engine import syntax as s
from rules_engine.issues import Issue, Position

_CMP = ("<", "<=", ">", ">=", "==", "!=")
_ARITH = ("+", "-", "*", "/")
_STRING_METHODS = ("startsWith", "endsWith", "contains")


class _Fail(Exception):
    def __init__(self, node: s.Node, code: str, message: str) -> None:
        super().__init__(message)
        self.node, self.code, self.message = node, code, message


@dataclass
class Scope:
    """What an expression may name: facts (name -> type) and params (name -> (value, type))."""

    facts: dict[str, str]
    params: dict[str, tuple[Any, str]] = field(default_factory=dict)

    def with_facts(self, extra: dict[str, str]) -> Scope:
        return Scope({**self.facts, **extra}, self.params)


def type_of_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return ir.BOOL
    if isinstance(value, int):
        return ir.INT
    if isinstance(value, float):
        return ir.DOUBLE
    if isinstance(value, str):
        return ir.STRING
    return None


class _Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def check(self, node: s.Node) -> ir.Expr:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise _Fail(node, "unsupported", f"{type(node).__name__} is not allowed here")
        return method(node)

    def _Literal(self, node: s.Literal) -> ir.Expr:
        kind = type_of_value(node.value)
        assert kind is not None
        return ir.Const(kind, node.value)

    def _name(self, node: s.Node) -> ir.Expr:
        name = s.dotted_name(node)
        assert name is not None
        if name in self.scope.facts:
            return ir.Fact(self.scope.facts[name], name)
        if name.startswith("params.") and name[7:] in self.scope.params:
            value, kind = self.scope.params[name[7:]]
            return ir.Const(kind, value, name)
        known = list(self.scope.facts) + [f"params.{p}" for p in self.scope.params]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise _Fail(node, "unknown-field", f"unknown field {name!r}{hint}")

    _Ident = _name

    def _Select(self, node: s.Select) -> ir.Expr:
        if s.dotted_name(node) is None:
            raise _Fail(node, "unsupported", f"field selection .{node.field} on a computed value")
        return self._name(node)

    def _Unary(self, node: s.Unary) -> ir.Expr:
        operand = self.check(node.operand)
        if node.op == "!":
            self._expect(node.operand, operand, ir.BOOL, "operand of !")
            return ir.Not(ir.BOOL, operand)
        if operand.type not in ir.NUMERIC:
            raise _Fail(node, "type-error", f"cannot negate a {operand.type}")
        return ir.Neg(operand.type, operand)

    def _Binary(self, node: s.Binary) -> ir.Expr:
        if node.op == "in":
            return self._in(node)
        left, right = self.check(node.left), self.check(node.right)
        if node.op in ("&&", "||"):
            self._expect(node.left, left, ir.BOOL, f"left operand of {node.op}")
            self._expect(node.right, right, ir.BOOL, f"right operand of {node.op}")
            return ir.Logic(ir.BOOL, node.op, left, right)
        if node.op in _CMP:
            return ir.Compare(ir.BOOL, node.op, left, self._comparable(node, left, right))
        if node.op in _ARITH:
            if left.type != right.type or left.type not in ir.NUMERIC:
                hint = (
                    " (CEL does not mix int and double: write 2.0, or double(x))"
                    if {left.type, right.type} == {ir.INT, ir.DOUBLE}
                    else ""
                )
                raise _Fail(node, "type-error", f"cannot apply {node.op} to {left.type} and {right.type}{hint}")
            if node.op == "/" and left.type == ir.INT:
                raise _Fail(node, "unsupported", "integer division is not supported; use double(x) / double(y)")
            return ir.Arith(left.type, node.op, left, right)
        raise _Fail(node, "unsupported", f"operator {node.op} is not supported")

    def _comparable(self, node: s.Node, left: ir.Expr, right: ir.Expr) -> ir.Expr:
        both_numeric = left.type in ir.NUMERIC and right.type in ir.NUMERIC
        if both_numeric:
            return right
        ordered = getattr(node, "op", "==") not in ("==", "!=")
        if left.type != right.type or left.type not in ir.SCALAR_TYPES or (ordered and left.type == ir.BOOL):
            raise _Fail(node, "type-error", f"cannot compare {left.type} with {right.type}")
        return right

    def _constants(self, node: s.Node) -> tuple[tuple[Any, ...], str]:
        if not isinstance(node, s.ListLit):
            raise _Fail(node, "unsupported", "expected a list of constants here")
        values = []
        kinds = set()
        for item in node.items:
            checked = self.check(item)
            if not isinstance(checked, ir.Const):
                raise _Fail(item, "unsupported", "list items must be constants")
            values.append(checked.value)
            kinds.add(checked.type)
        if len(kinds) > 1 and not kinds <= set(ir.NUMERIC):
            raise _Fail(node, "type-error", f"list mixes types {sorted(kinds)}")
        kind = kinds.pop() if len(kinds) == 1 else ir.DOUBLE if kinds else ir.STRING
        return tuple(values), kind

    def _in(self, node: s.Binary) -> ir.Expr:
        if isinstance(node.right, s.ListLit):
            left = self.check(node.left)
            values, kind = self._constants(node.right)
            if values:
                self._comparable(node, left, ir.Const(kind, values[0]))
            return ir.InConst(ir.BOOL, left, values)
        right = self.check(node.right)
        if not isinstance(right, ir.Fact) or not right.type.startswith("list("):
            raise _Fail(node.right, "type-error", f"right operand of `in` must be a list, not {right.type}")
        left = self.check(node.left)
        if not isinstance(left, ir.Const):
            raise _Fail(node.left, "unsupported", "the element tested against a list fact must be a constant")
        self._comparable(node, left, ir.Const(right.type[5:-1], None))
        return ir.ListTest(ir.BOOL, right, (left.value,), False, "in")

    def _ListLit(self, node: s.ListLit) -> ir.Expr:
        raise _Fail(
            node,
            "unsupported",
            "a list literal is only allowed after `in` or in sets.intersects / sets.contains",
        )

    def _Conditional(self, node: s.Conditional) -> ir.Expr:
        cond, then, otherwise = self.check(node.cond), self.check(node.then), self.check(node.otherwise)
        self._expect(node.cond, cond, ir.BOOL, "condition of ?:")
        if then.type != otherwise.type:
            raise _Fail(node, "type-error", f"branches of ?: have different types {then.type} and {otherwise.type}")
        return ir.Cond(then.type, cond, then, otherwise)

    def _Call(self, node: s.Call) -> ir.Expr:
        namespace = s.dotted_name(node.target) if node.target is not None else None
        if namespace in ("sets", "math"):
            return self._namespaced(node, f"{namespace}.{node.function}")
        if node.target is not None:
            return self._method(node)
        if node.function == "has":
            if len(node.args) != 1 or s.dotted_name(node.args[0]) is None:
                raise _Fail(node, "unsupported", "has() takes one field, e.g. has(fp.dqr)")
            fact = self.check(node.args[0])
            if not isinstance(fact, ir.Fact):
                raise _Fail(node.args[0], "type-error", "has() takes a fact")
            return ir.Has(ir.BOOL, fact.name)
        if node.function == "double" and len(node.args) == 1:
            arg = self.check(node.args[0])
            if arg.type not in ir.NUMERIC:
                raise _Fail(node, "type-error", f"double() of {arg.type} is not supported")
            return arg if arg.type == ir.DOUBLE else ir.Func(ir.DOUBLE, "double", (arg,))
        raise _Fail(node, "unknown-function", f"unknown function {node.function}()")

    def _namespaced(self, node: s.Call, name: str) -> ir.Expr:
        if name in ("sets.intersects", "sets.contains"):
            if len(node.args) != 2:
                raise _Fail(node, "type-error", f"{name} takes two lists")
            fact = self.check(node.args[0])
            values, kind = self._constants(node.args[1])
            if not isinstance(fact, ir.Fact) or not fact.type.startswith("list("):
                raise _Fail(node.args[0], "type-error", f"{name} takes a list fact first")
            if values:
                self._comparable(node, ir.Const(fact.type[5:-1], None), ir.Const(kind, values[0]))
            return ir.ListTest(ir.BOOL, fact, values, name == "sets.contains", name[5:])
        args = tuple(self.check(arg) for arg in node.args)
        if name in ("math.least", "math.greatest"):
            if len(args) != 2 or args[0].type != args[1].type or args[0].type not in ir.NUMERIC:
                raise _Fail(node, "type-error", f"{name} takes two numbers of the same type")
            return ir.Func(args[0].type, name, args)
        if name in ("math.round", "math.abs"):
            if len(args) != 1 or args[0].type != ir.DOUBLE:
                raise _Fail(node, "type-error", f"{name} takes one double")
            return ir.Func(ir.DOUBLE, name, args)
        raise _Fail(node, "unknown-function", f"unknown function {name}()")

    def _method(self, node: s.Call) -> ir.Expr:
        assert node.target is not None
        if node.function not in _STRING_METHODS:
            raise _Fail(node, "unknown-function", f"unknown method .{node.function}()")
        target = self.check(node.target)
        if target.type != ir.STRING or len(node.args) != 1:
            raise _Fail(node, "type-error", f".{node.function}() takes a string receiver and one argument")
        arg = self.check(node.args[0])
        if not isinstance(arg, ir.Const) or arg.type != ir.STRING:
            raise _Fail(node.args[0], "unsupported", f".{node.function}() takes a constant string")
        return ir.Func(ir.BOOL, node.function, (target, arg))

    def _expect(self, node: s.Node, expr: ir.Expr, kind: str, what: str) -> None:
        if expr.type != kind:
            raise _Fail(node, "type-error", f"{what} must be {kind}, not {expr.type}")

    # --- decision-table cells: unary tests against a table input ---

    def cell(self, node: s.Node, subject: ir.Expr) -> ir.Expr:
        if isinstance(node, s.AnyTest):
            return ir.Const(ir.BOOL, True)
        assert isinstance(node, s.TestList)
        result: ir.Expr | None = None
        for test in node.tests:
            one = self._test(test, subject)
            result = one if result is None else ir.Logic(ir.BOOL, "||", result, one)
        assert result is not None
        return ir.Not(ir.BOOL, result) if node.negated else result

    def _test(self, test: s.Node, subject: ir.Expr) -> ir.Expr:
        if isinstance(test, s.CompareTest):
            operand = self._normalise(self.check(test.operand), subject)
            self._comparable(test, subject, operand)
            return ir.Compare(ir.BOOL, test.op, subject, operand)
        assert isinstance(test, s.IntervalTest)
        low = self._normalise(self.check(test.low), subject)
        high = self._normalise(self.check(test.high), subject)
        self._comparable(test, subject, low)
        self._comparable(test, subject, high)
        return ir.Logic(
            ir.BOOL,
            "&&",
            ir.Compare(ir.BOOL, ">=" if test.low_closed else ">", subject, low),
            ir.Compare(ir.BOOL, "<=" if test.high_closed else "<", subject, high),
        )

    @staticmethod
    def _normalise(operand: ir.Expr, subject: ir.Expr) -> ir.Expr:
        """An int constant tested against a double input becomes a double (CEL keeps them apart)."""
        if isinstance(operand, ir.Const) and operand.type == ir.INT and subject.type == ir.DOUBLE:
            return ir.Const(ir.DOUBLE, float(operand.value), operand.label)
        return operand


def _issue(where: Position, fail: _Fail) -> Issue:
    return where.shift(fail.node.line, fail.node.column).issue(fail.code, fail.message)


def check_expression(
    node: s.Node, scope: Scope, where: Position, want: str | None = None
) -> tuple[ir.Expr | None, list[Issue]]:
    """Type-check an expression; `want` is the type it must have (e.g. bool for a condition)."""
    try:
        expr = _Checker(scope).check(node)
    except _Fail as fail:
        return None, [_issue(where, fail)]
    if want is not None and expr.type != want and not (want == ir.DOUBLE and expr.type == ir.INT):
        return None, [
            where.shift(node.line, node.column).issue("type-error", f"expression has type {expr.type}, expected {want}")
        ]
    if want == ir.DOUBLE and expr.type == ir.INT:
        expr = ir.Func(ir.DOUBLE, "double", (expr,))
    return expr, []


def check_cell(node: s.Node, subject: ir.Expr, scope: Scope, where: Position) -> tuple[ir.Expr | None, list[Issue]]:
    """Type-check a decision-table cell against its input; returns the bool test it stands for."""
    try:
        return _Checker(scope).cell(node, subject), []
    except _Fail as fail:
        return None, [_issue(where, fail)]

"""Stage 1, parse: CEL text (or a decision-table cell) to a syntax tree, or issues with line and column.

One Lark grammar serves both: `expr` for conditions and output entries, `unary_tests` for table cells
(DMN S-FEEL style: `< 3`, `[1.5..2.0)`, `"a","b"`, `not(...)`, `-`), whose end points are CEL
expressions. The grammar is a subset of CEL: no macros, maps, indexing, bytes or uint; it has no loops,
so evaluation always ends (not Turing complete), and nothing is ever passed to Python's `eval`.
"""

from __future__ import annotations

import ast as pyast
from functools import lru_cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta

from rules_engine import syntax as s
from rules_engine.issues import Issue, Position

GRAMMAR = r"""
?expr: or_expr
     | or_expr "?" or_expr ":" expr              -> conditional
?or_expr: and_expr
        | or_expr "||" and_expr                  -> or_
?and_expr: relation
         | and_expr "&&" relation                -> and_
?relation: addition
         | relation REL_OP addition              -> binary
         | relation IN addition                  -> binary
?addition: multiplication
         | addition ADD_OP multiplication        -> binary
?multiplication: unary
               | multiplication MUL_OP unary     -> binary
?unary: member
      | "!" unary                                -> not_
      | "-" unary                                -> neg
?member: primary
       | member "." IDENT                        -> select
       | member "." IDENT "(" [args] ")"         -> method
?primary: IDENT                                  -> ident
        | IDENT "(" [args] ")"                   -> call
        | "(" expr ")"
        | "[" [args] "]"                         -> list_
        | literal
args: expr ("," expr)*
?literal: FLOAT                                  -> float_
        | INT                                    -> int_
        | STRING                                 -> string
        | TRUE                                   -> true
        | FALSE                                  -> false

unary_tests: "-"                                 -> any_test
           | NOT "(" positive_tests ")"          -> negated
           | positive_tests
positive_tests: positive_test ("," positive_test)*
?positive_test: CMP_OP addition                  -> compare_test
              | interval_low addition ".." addition interval_high -> interval_test
              | addition                         -> equal_test
interval_low: INTERVAL_START
interval_high: "]" -> closed
             | ")" -> open
             | "[" -> open

// An interval's opening bracket is told from a list or a parenthesis by the `..` that follows it.
INTERVAL_START.3: /[\[\(\]](?=[^\[\]\(\),]*\.\.)/
TRUE.2: "true"
FALSE.2: "false"
NOT.2: "not"
IN.2: "in"
REL_OP: "<=" | ">=" | "<" | ">" | "==" | "!="
CMP_OP: "<=" | ">=" | "<" | ">" | "!="
ADD_OP: "+" | "-"
MUL_OP: "*" | "/"
IDENT: /[_a-zA-Z][_a-zA-Z0-9]*/
FLOAT: /\d+\.\d+([eE][+-]?\d+)?/ | /\d+[eE][+-]?\d+/
INT: /\d+/
STRING: /"(?:[^"\\\n]|\\.)*"/ | /'(?:[^'\\\n]|\\.)*'/
%ignore /[ \t\r\n]+/
"""

_START = Position()


def _pos(meta: object) -> tuple[int, int]:
    return getattr(meta, "line", 1), getattr(meta, "column", 1)


@v_args(meta=True, inline=True)
class _ToSyntax(Transformer[Token, s.Node]):
    """Lark's tree to the syntax tree; each callback gets the rule's position (`meta`) and its children."""

    def conditional(self, meta: Meta, cond: s.Node, then: s.Node, otherwise: s.Node) -> s.Node:
        return s.Conditional(*_pos(meta), cond, then, otherwise)

    def or_(self, meta: Meta, left: s.Node, right: s.Node) -> s.Node:
        return s.Binary(*_pos(meta), "||", left, right)

    def and_(self, meta: Meta, left: s.Node, right: s.Node) -> s.Node:
        return s.Binary(*_pos(meta), "&&", left, right)

    def binary(self, meta: Meta, left: s.Node, op: Token, right: s.Node) -> s.Node:
        return s.Binary(op.line or 1, op.column or 1, str(op), left, right)

    def not_(self, meta: Meta, operand: s.Node) -> s.Node:
        return s.Unary(*_pos(meta), "!", operand)

    def neg(self, meta: Meta, operand: s.Node) -> s.Node:
        if isinstance(operand, s.Literal) and isinstance(operand.value, int | float):
            return s.Literal(*_pos(meta), -operand.value)
        return s.Unary(*_pos(meta), "-", operand)

    def select(self, meta: Meta, operand: s.Node, name: Token) -> s.Node:
        return s.Select(*_pos(meta), operand, str(name))

    def method(self, meta: Meta, target: s.Node, name: Token, args: list[s.Node] | None) -> s.Node:
        return s.Call(name.line or 1, name.column or 1, str(name), target, args or [])

    def ident(self, meta: Meta, name: Token) -> s.Node:
        return s.Ident(*_pos(meta), str(name))

    def call(self, meta: Meta, name: Token, args: list[s.Node] | None) -> s.Node:
        return s.Call(*_pos(meta), str(name), None, args or [])

    def list_(self, meta: Meta, args: list[s.Node] | None) -> s.Node:
        return s.ListLit(*_pos(meta), args or [])

    def args(self, meta: Meta, *items: s.Node) -> list[s.Node]:
        return list(items)

    def float_(self, meta: Meta, tok: Token) -> s.Node:
        return s.Literal(*_pos(meta), float(tok))

    def int_(self, meta: Meta, tok: Token) -> s.Node:
        return s.Literal(*_pos(meta), int(tok))

    def string(self, meta: Meta, tok: Token) -> s.Node:
        return s.Literal(*_pos(meta), pyast.literal_eval(str(tok)))

    def true(self, meta: Meta, tok: Token) -> s.Node:
        return s.Literal(*_pos(meta), True)

    def false(self, meta: Meta, tok: Token) -> s.Node:
        return s.Literal(*_pos(meta), False)

    def any_test(self, meta: Meta) -> s.Node:
        return s.AnyTest(*_pos(meta))

    def negated(self, meta: Meta, _not: Token, tests: s.TestList) -> s.TestList:
        tests.negated = True
        return tests

    def unary_tests(self, meta: Meta, tests: s.Node) -> s.Node:
        return tests

    def positive_tests(self, meta: Meta, *tests: s.CompareTest | s.IntervalTest) -> s.TestList:
        return s.TestList(*_pos(meta), list(tests))

    def compare_test(self, meta: Meta, op: Token, operand: s.Node) -> s.CompareTest:
        return s.CompareTest(*_pos(meta), str(op), operand)

    def equal_test(self, meta: Meta, operand: s.Node) -> s.CompareTest:
        return s.CompareTest(*_pos(meta), "==", operand)

    def interval_test(
        self, meta: Meta, low_closed: bool, low: s.Node, high: s.Node, high_closed: bool
    ) -> s.IntervalTest:
        return s.IntervalTest(*_pos(meta), low, low_closed, high, high_closed)

    def interval_low(self, meta: Meta, token: Token) -> bool:
        return str(token) == "["

    def closed(self, meta: Meta) -> bool:
        return True

    def open(self, meta: Meta) -> bool:
        return False


@lru_cache(maxsize=2)
def _parser(start: str) -> Lark:
    return Lark(GRAMMAR, start=start, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedToken):
        token: Token = error.token
        if token.type == "$END":
            return "unexpected end of expression"
        return f"unexpected {token.value!r}"
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    if isinstance(error, UnexpectedEOF):
        return "unexpected end of expression"
    return "syntax error"


def _parse(text: str, start: str, where: Position) -> tuple[s.Node | None, list[Issue]]:
    try:
        tree = _parser(start).parse(text)
        return _ToSyntax().transform(tree), []
    except UnexpectedInput as error:
        line, column = getattr(error, "line", 1), getattr(error, "column", 1)
        if not isinstance(line, int) or line < 1:
            line, column = 1, len(text) + 1
        at = where.shift(line, column)
        return None, [at.issue("syntax", f"{_describe(error)} in {text.strip()!r}")]
    except VisitError as error:  # a literal the transformer could not read, e.g. a bad escape
        return None, [where.issue("syntax", f"{error.orig_exc} in {text.strip()!r}")]


def parse_expression(text: str, where: Position = _START) -> tuple[s.Node | None, list[Issue]]:
    """Parse a CEL expression."""
    return _parse(text, "expr", where)


def parse_unary_tests(text: str, where: Position = _START) -> tuple[s.Node | None, list[Issue]]:
    """Parse a decision-table input entry (unary tests)."""
    return _parse(text, "unary_tests", where)

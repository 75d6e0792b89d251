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
class _ToSyntax(Transformer):
    def conditional(self, meta, cond, then, otherwise):  # type: ignore[no-untyped-def]
        return s.Conditional(*_pos(meta), cond, then, otherwise)

    def or_(self, meta, left, right):  # type: ignore[no-untyped-def]
        return s.Binary(*_pos(meta), "||", left, right)

    def and_(self, meta, left, right):  # type: ignore[no-untyped-def]
        return s.Binary(*_pos(meta), "&&", left, right)

    def binary(self, meta, left, op, right):  # type: ignore[no-untyped-def]
        return s.Binary(op.line, op.column, str(op), left, right)

    def not_(self, meta, operand):  # type: ignore[no-untyped-def]
        return s.Unary(*_pos(meta), "!", operand)

    def neg(self, meta, operand):  # type: ignore[no-untyped-def]
        if isinstance(operand, s.Literal) and isinstance(operand.value, int | float):
            return s.Literal(*_pos(meta), -operand.value)
        return s.Unary(*_pos(meta), "-", operand)

    def select(self, meta, operand, name):  # type: ignore[no-untyped-def]
        return s.Select(*_pos(meta), operand, str(name))

    def method(self, meta, target, name, args):  # type: ignore[no-untyped-def]
        return s.Call(name.line, name.column, str(name), target, args or [])

    def ident(self, meta, name):  # type: ignore[no-untyped-def]
        return s.Ident(*_pos(meta), str(name))

    def call(self, meta, name, args):  # type: ignore[no-untyped-def]
        return s.Call(*_pos(meta), str(name), None, args or [])

    def list_(self, meta, args):  # type: ignore[no-untyped-def]
        return s.ListLit(*_pos(meta), args or [])

    def args(self, meta, *items):  # type: ignore[no-untyped-def]
        return list(items)

    def float_(self, meta, tok):  # type: ignore[no-untyped-def]
        return s.Literal(*_pos(meta), float(tok))

    def int_(self, meta, tok):  # type: ignore[no-untyped-def]
        return s.Literal(*_pos(meta), int(tok))

    def string(self, meta, tok):  # type: ignore[no-untyped-def]
        return s.Literal(*_pos(meta), pyast.literal_eval(str(tok)))

    def true(self, meta, tok):  # type: ignore[no-untyped-def]
        return s.Literal(*_pos(meta), True)

    def false(self, meta, tok):  # type: ignore[no-untyped-def]
        return s.Literal(*_pos(meta), False)

    def any_test(self, meta):  # type: ignore[no-untyped-def]
        return s.AnyTest(*_pos(meta))

    def negated(self, meta, _not, tests):  # type: ignore[no-untyped-def]
        tests.negated = True
        return tests

    def unary_tests(self, meta, tests):  # type: ignore[no-untyped-def]
        return tests

    def positive_tests(self, meta, *tests):  # type: ignore[no-untyped-def]
        return s.TestList(*_pos(meta), list(tests))

    def compare_test(self, meta, op, operand):  # type: ignore[no-untyped-def]
        return s.CompareTest(*_pos(meta), str(op), operand)

    def equal_test(self, meta, operand):  # type: ignore[no-untyped-def]
        return s.CompareTest(*_pos(meta), "==", operand)

    def interval_test(self, meta, low_closed, low, high, high_closed):  # type: ignore[no-untyped-def]
        return s.IntervalTest(*_pos(meta), low, low_closed, high, high_closed)

    def interval_low(self, meta, token):  # type: ignore[no-untyped-def]
        return str(token) == "["

    def closed(self, meta):  # type: ignore[no-untyped-def]
        return True

    def open(self, meta):  # type: ignore[no-untyped-def]
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

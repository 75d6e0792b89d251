"""Mapping expressions: a small, checked subset of Python (arithmetic, comparisons, conditionals,
subscripts and the functions of `functions.py`) over named values. Checked once at load time and
compiled into the mapping's generated function; never evaluated from text per record."""

from __future__ import annotations

import ast

from hub.mapping.functions import FUNCTIONS

_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Dict,
    ast.Starred,
    ast.ListComp,
    ast.comprehension,
    ast.Store,
    ast.Tuple,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Is,
    ast.IsNot,
    ast.In,
    ast.NotIn,
)


class ExpressionError(ValueError):
    pass


# Arithmetic is decimal (hub/mapping/functions.py OPERATORS): each of these becomes a call.
_OPERATOR_CALLS: dict[type[ast.operator], str] = {
    ast.Add: "_op_add",
    ast.Sub: "_op_sub",
    ast.Mult: "_op_mul",
    ast.Div: "_op_div",
}


class _Rename(ast.NodeTransformer):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.used: set[str] = set()

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = ast.unparse(node.func)
            raise ExpressionError(f"unknown function '{name}' (known: {', '.join(sorted(FUNCTIONS))})")
        node.func = ast.Name(id=f"_f_{node.func.id}", ctx=ast.Load())
        node.args = [self.visit(a) for a in node.args]
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed in expressions")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        left, right = self.visit(node.left), self.visit(node.right)
        name = _OPERATOR_CALLS.get(type(node.op))
        if name is None:
            return ast.BinOp(left=left, op=node.op, right=right)
        return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[left, right], keywords=[])

    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        # Comprehension variables are local names: allowed inside the comprehension only.
        bound = {n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        outer = self.names
        for gen in node.generators:
            gen.iter = self.visit(gen.iter)
        self.names = outer | bound
        for gen in node.generators:
            gen.target = self.visit(gen.target)
            gen.ifs = [self.visit(i) for i in gen.ifs]
            if gen.is_async:
                raise ExpressionError("async comprehensions are not allowed")
        node.elt = self.visit(node.elt)
        self.names = outer
        self.used -= bound
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in ("None", "True", "False"):
            return node
        if isinstance(node.ctx, ast.Store):
            return ast.Name(id=f"_n_{node.id}", ctx=ast.Store())
        if node.id not in self.names:
            raise ExpressionError(f"unknown name '{node.id}' (bind it under 'with' or define it under 'let')")
        self.used.add(node.id)
        return ast.Name(id=f"_n_{node.id}", ctx=ast.Load())


def compile_expression(text: str, names: set[str]) -> tuple[str, set[str]]:
    """Python source for the expression with names renamed to `_n_<name>`, and the names it uses."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"expression {text!r} is not valid: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ExpressionError(f"expression {text!r} uses {type(node).__name__}, which is not allowed")
    renamer = _Rename(names)
    tree = renamer.visit(tree)
    return ast.unparse(tree), renamer.used


def names_in(text: str) -> set[str]:
    """The free names an expression refers to (for the dependency graph of `let` values)."""
    tree = ast.parse(text, mode="eval")
    funcs = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - funcs - bound - {"None", "True", "False"}

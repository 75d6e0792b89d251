"""Merging a chain of layers (general -> industry -> product) and compiling it: the `Program` that
both evaluators run. Every rule is parsed once, checked once, then compiled twice (closures, numpy).

A lower layer may add rules and params, and may redefine one of its parent's only with
`override: true`; a param that declares `stricter: lower|higher` may only move that way.
"""

from __future__ import annotations

from typing import Any

from rules_engine import analysis, ir
from rules_engine import syntax as s
from rules_engine.checker import Scope, check_cell, check_expression, type_of_value
from rules_engine.issues import Issue, Position
from rules_engine.model import (
    Check,
    Compiled,
    Origin,
    Param,
    Program,
    Row,
    Table,
    TableInput,
    TableOutput,
    Value,
)
from rules_engine.parser import parse_expression, parse_unary_tests
from rules_engine.ruleset import RuleSetSource
from rules_engine.vocabulary import Vocabulary, read_fact_defs

SINGLE_HIT = ("unique", "any", "priority", "first")
RANKED = ("priority", "output_order")


def _origin(source: RuleSetSource, *path: str | int) -> Origin:
    return Origin(source.ref, source.file, source.at(*path).line)


def _merge_params(chain: list[RuleSetSource], issues: list[Issue]) -> dict[str, Param]:
    merged: dict[str, Param] = {}
    for depth, source in enumerate(chain):
        for name, spec in (source.data.get("params") or {}).items():
            where = source.at("params", name)
            value, kind = spec["value"], spec["type"]
            if kind == "double" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if type_of_value(value) != kind:
                issues.append(
                    where.issue("type-error", f"param {name!r} is declared {kind} but its value {value!r} is not")
                )
                continue
            param = Param(name, value, kind, dict(spec["doc"]), str(spec["source"]), _origin(source, "params", name))
            previous = merged.get(name)
            if previous is None:
                if spec.get("override") and depth > 0:
                    issues.append(
                        where.issue("override", f"param {name!r} has override: true but no parent layer defines it")
                    )
                merged[name] = param
                continue
            if not spec.get("override"):
                issues.append(
                    where.issue(
                        "duplicate",
                        f"param {name!r} is already defined by {previous.origin.ref.id}; add `override: "
                        f"true` to redefine it",
                    )
                )
                continue
            if previous.type != kind:
                issues.append(where.issue("type-error", f"param {name!r} overrides a {previous.type} with a {kind}"))
                continue
            stricter = _stricter_of(chain, name)
            if (stricter == "lower" and value > previous.value) or (stricter == "higher" and value < previous.value):
                issues.append(
                    where.issue(
                        "loosens",
                        f"param {name!r} = {value!r} loosens {previous.value!r} of "
                        f"{previous.origin.ref.id} (stricter is {stricter})",
                    )
                )
                continue
            merged[name] = param
    return merged


def _stricter_of(chain: list[RuleSetSource], name: str) -> str | None:
    for source in chain:
        spec = (source.data.get("params") or {}).get(name)
        if spec is not None and spec.get("stricter"):
            return str(spec["stricter"])
    return None


def _merge_rules(
    chain: list[RuleSetSource], issues: list[Issue]
) -> list[tuple[str, RuleSetSource, int, dict[str, Any]]]:
    """(section, source, index, rule) in order; a lower layer's override takes its parent's place."""
    order: list[str] = []
    rules: dict[str, tuple[str, RuleSetSource, int, dict[str, Any]]] = {}
    for depth, source in enumerate(chain):
        for section in ("checks", "tables", "values"):
            for index, rule in enumerate(source.data.get(section) or []):
                name, where = str(rule["name"]), source.at(section, index, "name")
                previous = rules.get(name)
                if previous is None:
                    if rule.get("override") and depth > 0:
                        issues.append(
                            where.issue("override", f"rule {name!r} has override: true but no parent layer defines it")
                        )
                    order.append(name)
                elif previous[1] is source:
                    issues.append(where.issue("duplicate", f"rule {name!r} is defined twice in {source.id}"))
                    continue
                elif not rule.get("override"):
                    issues.append(
                        where.issue(
                            "duplicate",
                            f"rule {name!r} is already defined by {previous[1].id}; add `override: true` to replace it",
                        )
                    )
                    continue
                elif previous[0] != section:
                    issues.append(
                        where.issue("override", f"rule {name!r} overrides a {previous[0][:-1]} with a {section[:-1]}")
                    )
                    continue
                rules[name] = (section, source, index, rule)
    return [rules[name] for name in order]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Builder:
    def __init__(self, chain: list[RuleSetSource], vocabulary: Vocabulary) -> None:
        self.chain = chain
        self.issues: list[Issue] = []
        own = chain[0].data.get("facts")
        if own is not None:
            defs, more = read_fact_defs(own, chain[0].file)
            self.issues += more
            vocabulary = Vocabulary(defs)
        self.vocabulary = vocabulary
        self.params = _merge_params(chain, self.issues)
        self.scope = Scope(vocabulary.types(), {p.name: (p.value, p.type) for p in self.params.values()})

    def expression(self, text: Any, where: Position, want: str | None, scope: Scope | None = None) -> Compiled | None:
        source = _text(text)
        node, issues = parse_expression(source, where)
        if node is None:
            self.issues += issues
            return None
        expr, issues = check_expression(node, scope or self.scope, where, want)
        self.issues += issues
        return None if expr is None else Compiled.of(source, expr)

    def build(self) -> Program:
        top = self.chain[-1]
        passed_key = str((self.chain[0].data.get("outcome") or {}).get("passed", "passed"))
        program = Program(
            [c.ref for c in self.chain], top.kind, top.jurisdiction, passed_key, self.scope.facts, self.params
        )
        for section, source, index, rule in _merge_rules(self.chain, self.issues):
            origin = _origin(source, section, index)
            if section == "checks":
                cond = self.expression(rule["when"], source.at(section, index, "when"), ir.BOOL)
                if cond is not None:
                    program.checks.append(Check(rule["name"], dict(rule["text"]), origin, cond, cond.facts))
            elif section == "values":
                expr = self.expression(rule["expr"], source.at(section, index, "expr"), rule.get("type"))
                if expr is not None:
                    program.values.append(Value(rule["name"], dict(rule["text"]), origin, expr, expr.facts))
            else:
                table = self.table(source, index, rule, origin)
                if table is not None:
                    program.tables.append(table)
        return program

    def table(self, source: RuleSetSource, index: int, rule: dict[str, Any], origin: Origin) -> Table | None:
        path: tuple[str | int, ...] = ("tables", index)
        before = len(self.issues)
        name, policy = str(rule["name"]), str(rule["hit_policy"])
        aggregation = rule.get("aggregation")
        if aggregation and policy != "collect":
            self.issues.append(
                source.at(*path, "aggregation").issue(
                    "schema", f"aggregation is only for the collect hit policy, not {policy}"
                )
            )
        inputs: list[TableInput] = []
        for k, spec in enumerate(rule["inputs"]):
            expr = self.expression(spec["expr"], source.at(*path, "inputs", k, "expr"), None)
            if expr is not None:
                inputs.append(TableInput(str(spec["name"]), f"@{name}.{k}", expr))
        outputs = [self.output(source, path, k, spec) for k, spec in enumerate(rule["outputs"])]
        if len(self.issues) > before or len(inputs) != len(rule["inputs"]):
            return None
        if aggregation and (len(outputs) != 1 or (aggregation != "count" and outputs[0].type not in ir.NUMERIC)):
            self.issues.append(
                source.at(*path, "aggregation").issue("type-error", f"{aggregation} needs one numeric output")
            )
        if policy in RANKED and not any(o.values for o in outputs):
            self.issues.append(
                source.at(*path, "hit_policy").issue(
                    "schema", f"hit policy {policy} needs output `values` (the priority order)"
                )
            )
        cell_scope = self.scope.with_facts({i.key: i.expr.expr.type for i in inputs})
        rows: list[Row] = []
        shapes: list[analysis.RowShapes] = []
        for r, row_spec in enumerate(rule["rows"]):
            row, row_shapes = self.row(source, (*path, "rows", r), r + 1, row_spec, inputs, outputs, cell_scope, policy)
            if row is not None and row_shapes is not None:
                rows.append(row)
                shapes.append(row_shapes)
        if len(self.issues) > before:
            return None
        if policy == "unique":
            self.issues += analysis.overlaps(name, shapes, self.vocabulary)
        if policy in SINGLE_HIT:
            self.issues += analysis.gaps(name, shapes, self.vocabulary)
        facts: set[str] = set()
        for part in [*(i.expr for i in inputs), *(o.default for o in outputs if o.default)]:
            facts |= part.facts
        for row in rows:
            facts |= row.match.facts | {f for out in row.outputs for f in out.facts}
            for i in inputs:
                if i.key in row.match.facts:
                    facts |= i.expr.facts
        facts = {f for f in facts if not f.startswith("@")}
        return Table(name, policy, aggregation, dict(rule["text"]), origin, inputs, outputs, rows, frozenset(facts))

    def output(self, source: RuleSetSource, path: tuple[str | int, ...], k: int, spec: dict[str, Any]) -> TableOutput:
        kind = str(spec["type"])
        default = None
        if "default" in spec:
            default = self.expression(spec["default"], source.at(*path, "outputs", k, "default"), kind)
        values = None
        if spec.get("values") is not None:
            values = tuple(float(v) if kind == ir.DOUBLE and isinstance(v, int) else v for v in spec["values"])
        return TableOutput(str(spec["name"]), kind, values, default)

    def row(
        self,
        source: RuleSetSource,
        path: tuple[str | int, ...],
        index: int,
        spec: dict[str, Any],
        inputs: list[TableInput],
        outputs: list[TableOutput],
        scope: Scope,
        policy: str,
    ) -> tuple[Row | None, analysis.RowShapes | None]:
        cells, thens = list(spec["when"]), list(spec["then"])
        if len(cells) != len(inputs) or len(thens) != len(outputs):
            self.issues.append(
                source.at(*path).issue(
                    "schema",
                    f"row {index} has {len(cells)} input entries and {len(thens)} output entries; the "
                    f"table has {len(inputs)} inputs and {len(outputs)} outputs",
                )
            )
            return None, None
        match: ir.Expr | None = None
        row_shapes = analysis.RowShapes(index, [], [], [])
        for k, (cell, table_input) in enumerate(zip(cells, inputs, strict=True)):
            where = source.at(*path, "when", k)
            text = _text(cell)
            node, issues = parse_unary_tests(text, where)
            subject = ir.Fact(table_input.expr.expr.type, table_input.key)
            checked, more = (None, []) if node is None else check_cell(node, subject, scope, where)
            self.issues += issues + more
            if node is None or checked is None:
                return None, None
            match = checked if match is None else ir.Logic(ir.BOOL, "&&", match, checked)
            row_shapes.where.append(where)
            row_shapes.texts.append(text)
            row_shapes.shapes.append(analysis.shape(node, self._operands(node, scope, subject)))
        compiled_outputs = []
        for k, (then, output) in enumerate(zip(thens, outputs, strict=True)):
            compiled = self.expression(then, source.at(*path, "then", k), output.type)
            if compiled is None:
                return None, None
            compiled_outputs.append(compiled)
        rank: tuple[int, ...] = ()
        if policy in RANKED:
            rank = self._rank(source, path, compiled_outputs, outputs)
        assert match is not None
        row_text = spec.get("text")
        row = Row(
            index,
            spec.get("id"),
            dict(row_text) if row_text else None,
            row_shapes.texts,
            Compiled.of(" && ".join(row_shapes.texts), match),
            compiled_outputs,
            rank,
        )
        return row, row_shapes

    def _operands(self, node: s.Node, scope: Scope, subject: ir.Expr) -> list[ir.Expr]:
        if not isinstance(node, s.TestList):
            return []
        out: list[ir.Expr] = []
        for test in node.tests:
            parts = [test.low, test.high] if isinstance(test, s.IntervalTest) else [test.operand]
            for part in parts:
                expr, _ = check_expression(part, scope, Position())
                out.append(expr if expr is not None else ir.Const(ir.STRING, None))
        return out

    def _rank(
        self,
        source: RuleSetSource,
        path: tuple[str | int, ...],
        compiled: list[Compiled],
        outputs: list[TableOutput],
    ) -> tuple[int, ...]:
        rank = []
        for k, (out, spec) in enumerate(zip(compiled, outputs, strict=True)):
            if not spec.values:
                continue
            if not isinstance(out.expr, ir.Const):
                self.issues.append(
                    source.at(*path, "then", k).issue(
                        "unsupported", "a priority / output-order table needs constant outputs"
                    )
                )
                return ()
            value = out.expr.value
            rank.append(spec.values.index(value) if value in spec.values else len(spec.values))
        return tuple(rank)


def build_program(chain: list[RuleSetSource], vocabulary: Vocabulary) -> tuple[Program, list[Issue]]:
    builder = _Builder(chain, vocabulary)
    program = builder.build()
    return program, builder.issues

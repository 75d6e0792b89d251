"""The compiled program a decision runs: a merged chain of rule-set layers whose every rule is parsed,
checked and compiled twice (closures for one footprint, numpy for many). Built by `program.build_program`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rules_engine import ir
from rules_engine.compile_np import BatchFn, compile_batch
from rules_engine.compile_py import Closure, compile_expr
from rules_engine.ruleset import RuleSetRef


@dataclass
class Origin:
    ref: RuleSetRef
    file: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        """Where the rule came from (built once; shared by the traces that cite it, do not mutate)."""
        cached = self.__dict__.get("_dict")
        if cached is None:
            cached = self.__dict__["_dict"] = {**self.ref.to_dict(), "file": self.file, "line": self.line}
        return cached


@dataclass
class Compiled:
    source: str
    expr: ir.Expr
    py: Closure
    np: BatchFn
    facts: frozenset[str]
    # what a trace reads back from the recorder, found once here rather than per decision
    fact_nodes: tuple[tuple[int, str], ...] = ()
    compare_nodes: tuple[tuple[int, str, str, tuple[str, ...]], ...] = ()  # (id, op, text, thresholds)
    thresholds: tuple[str, ...] = ()

    @classmethod
    def of(cls, source: str, expr: ir.Expr) -> Compiled:
        nodes = ir.walk(expr)
        return cls(
            source,
            expr,
            compile_expr(expr),
            compile_batch(expr),
            frozenset(expr.facts()),
            tuple((n.nid, n.name) for n in nodes if isinstance(n, ir.Fact) and not n.name.startswith("@")),
            tuple(
                (
                    n.nid,
                    n.op,
                    ir.unparse(n),
                    tuple(c.label for c in (n.left, n.right) if isinstance(c, ir.Const) and c.label),
                )
                for n in nodes
                if isinstance(n, ir.Compare)
            ),
            tuple(sorted({n.label for n in nodes if isinstance(n, ir.Const) and n.label})),
        )


@dataclass
class Check:
    name: str
    text: dict[str, str]
    origin: Origin
    cond: Compiled
    facts: frozenset[str]


@dataclass
class Value:
    name: str
    text: dict[str, str]
    origin: Origin
    expr: Compiled
    facts: frozenset[str]


@dataclass
class TableInput:
    name: str
    key: str  # the pseudo-fact the cells read, e.g. "@grade.0"
    expr: Compiled


@dataclass
class TableOutput:
    name: str
    type: str
    values: tuple[Any, ...] | None
    default: Compiled | None


@dataclass
class Row:
    index: int  # 1-based, as in DMN
    id: str | None
    text: dict[str, str] | None
    cells: list[str]
    match: Compiled
    outputs: list[Compiled]
    rank: tuple[int, ...] = ()


@dataclass
class Table:
    name: str
    hit_policy: str
    aggregation: str | None
    text: dict[str, str]
    origin: Origin
    inputs: list[TableInput]
    outputs: list[TableOutput]
    rows: list[Row]
    facts: frozenset[str] = frozenset()


@dataclass
class Param:
    name: str
    value: Any
    type: str
    doc: dict[str, str]
    source: str
    origin: Origin

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": f"params.{self.name}",
            "value": self.value,
            "doc": self.doc,
            "source": self.source,
            "from": self.origin.ref.to_dict(),
        }


@dataclass
class Program:
    """A merged, compiled chain of rule sets: what a decision runs."""

    chain: list[RuleSetRef]
    kind: str
    jurisdiction: str
    passed_key: str
    types: dict[str, str]
    params: dict[str, Param] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)

    @property
    def top(self) -> RuleSetRef:
        return self.chain[-1]

    def threshold_dicts(self, labels: tuple[str, ...]) -> list[dict[str, Any]]:
        """The params named `params.x` in labels, as trace data (built once per program)."""
        cache: dict[str, dict[str, Any]] = self.__dict__.setdefault("_param_dicts", {})
        out = []
        for label in labels:
            name = label[7:]
            if name in self.params:
                if name not in cache:
                    cache[name] = self.params[name].to_dict()
                out.append(dict(cache[name]))
        return out

    def facts_used(self) -> set[str]:
        """Every fact a rule of the program may read or test for presence (`has`)."""
        exprs = [c.cond for c in self.checks] + [v.expr for v in self.values]
        for table in self.tables:
            exprs += [i.expr for i in table.inputs] + [o.default for o in table.outputs if o.default]
            exprs += [row.match for row in table.rows] + [o for row in table.rows for o in row.outputs]
        used = set()
        for compiled in exprs:
            for node in ir.walk(compiled.expr):
                if isinstance(node, ir.Fact | ir.Has) and not node.name.startswith("@"):
                    used.add(node.name)
        return used

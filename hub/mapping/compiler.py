"""Compile a checked mapping into one Python function, once.

The compiler writes Python source for the whole mapping (a straight run of statements per rule, with
the paths unrolled into `dict.get` chains, the expressions inlined and the transforms bound as
prebuilt closures), then `compile()`s and `exec`s it. Per record nothing reads the YAML again: the
cost is that of the generated statements, close to a hand-written converter. `Compiled.source` keeps
the generated text for `cfhub mappings show --source` and for debugging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.mapping.codelists import CodeLists
from hub.mapping.errors import MapFailure, MappingFileError
from hub.mapping.expressions import compile_expression
from hub.mapping.functions import FUNCTIONS, OPERATORS
from hub.mapping.model import EXACT_PREDICATE, Mapping, RuleSpec
from hub.mapping.result import MappingResult
from hub.mapping.schema_paths import SchemaSet, field_name, split_path
from hub.mapping.transforms import BuildContext, build


@dataclass
class Compiled:
    fn: Callable[[Any], MappingResult]
    source: str


def _reason(exc: Exception) -> str:
    if isinstance(exc, MapFailure):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _at(container: dict[str, Any], key: str, index: int) -> dict[str, Any]:
    """The object at container[key][index], creating the list and objects on the way."""
    seq = container.get(key)
    if seq is None:
        seq = container[key] = []
    while len(seq) <= index:
        seq.append({})
    return seq[index]


def _put(container: dict[str, Any], key: str, index: int, value: Any) -> None:
    """container[key][index] = value; appends when the list is shorter (no padding with nulls)."""
    seq = container.get(key)
    if seq is None:
        seq = container[key] = []
    if index < len(seq):
        seq[index] = value
    else:
        seq.append(value)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        # top-level key (a name, or an index when the path starts with `[n]`) -> local name, in the top function
        self.hoisted: dict[str | int, str] | None = None
        self.containers: dict[tuple[Any, ...], str] = {}  # target object path -> local name

    def const(self, value: Any, prefix: str = "_c") -> str:
        name = f"{prefix}{len(self.consts)}"
        self.consts[name] = value
        return name

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)


def _get_code(w: _Writer, indent: int, var: str, root: str, path: str) -> None:
    segs = split_path(path)
    first = segs[0]
    if root == "src" and w.hoisted is not None:
        # Top-level reads are hoisted to the start of the mapping function (a dict read cannot fail).
        w.hoisted.setdefault(first, f"_s{len(w.hoisted)}")
        w.emit(indent, f"{var} = {w.hoisted[first]}")
    else:
        w.emit(indent, f"{var} = {root}.get({first!r})")
    for seg in segs[1:]:
        if isinstance(seg, int):
            w.emit(indent, f"if {var} is not None: {var} = {var}[{seg}] if len({var}) > {seg} else None")
        elif seg == "*":
            continue
        else:
            w.emit(indent, f"if {var} is not None: {var} = {var}.get({seg!r})")


def _set_code(w: _Writer, indent: int, out: str, path: str, value: str) -> None:
    """Write `value` at `path`: containers are cached in function locals (created once per record)."""
    segs = split_path(path)
    put_index = segs.pop() if isinstance(segs[-1], int) else None
    last = segs.pop()
    container = _container(w, indent, out, tuple(segs))
    leaf = (*segs, last)
    if put_index is None and any(key[: len(leaf)] == leaf for key in w.containers):
        raise _OrderError(f"target '{path}' replaces an object that earlier rules wrote into")
    if put_index is not None:
        w.emit(indent, f"_put({container}, {last!r}, {put_index}, {value})")
    else:
        w.emit(indent, f"{container}[{last!r}] = {value}")


def _container(w: _Writer, indent: int, out: str, segs: tuple[Any, ...]) -> str:
    """The local variable holding the object at `segs` (a path of keys and list indexes)."""
    if not segs:
        return out
    if segs in w.containers:
        var = w.containers[segs]
    else:
        var = w.containers[segs] = f"_o{len(w.containers)}"
    if isinstance(segs[-1], int):
        parent = _container(w, indent, out, segs[:-2])
        w.emit(indent, f"if {var} is None: {var} = _at({parent}, {segs[-2]!r}, {segs[-1]})")
    else:
        parent = _container(w, indent, out, segs[:-1])
        w.emit(indent, f"if {var} is None: {var} = {parent}.setdefault({segs[-1]!r}, {{}})")
    return var


class _OrderError(ValueError):
    pass


class Compiler:
    def __init__(self, mapping: Mapping, codelists: CodeLists) -> None:
        self.m = mapping
        self.cl = codelists
        self.w = _Writer()
        self.blocks = 0
        self.let_names = {let.name for let in mapping.lets}

    def compile(self) -> Compiled:
        w = self.w
        body_start = len(w.lines)
        self._block("_map", self.m.rules, "", top=True)
        del body_start
        ns: dict[str, Any] = {
            "_R": MappingResult,
            "_reason": _reason,
            "_at": _at,
            "_put": _put,
            **{f"_f_{k}": v for k, v in FUNCTIONS.items()},
            **OPERATORS,
            **w.consts,
        }
        source = "\n".join(w.lines) + "\n"
        code = compile(source, f"<mapping {self.m.file}>", "exec")
        exec(code, ns)
        return Compiled(fn=ns["_map"], source=source)

    def _block(self, name: str, rules: list[RuleSpec], prefix: str, top: bool) -> None:
        """A function for a list of rules: the whole mapping (top) or the item of an `each`."""
        w = self.w
        nested: list[tuple[str, RuleSpec]] = []
        for rule in rules:
            if rule.each:
                self.blocks += 1
                nested.append((f"_each{self.blocks}", rule))
        for fname, rule in nested:
            self._block(fname, rule.rules, f"{prefix}{rule.target}[].", top=False)
        w.containers = {}
        if top:
            w.emit(0, f"def {name}(src):")
            w.emit(1, "r = _R({}, [], [], [])")
            w.emit(1, "out = r.output")
            w.emit(1, "if src.__class__ is not dict:")
            w.emit(2, "r.errors.append(('$', 'the record is not a JSON object'))")
            w.emit(2, "return r")
            hoist_at = len(w.lines)
            hoisted: dict[str | int, str] = {}
            w.hoisted = hoisted
            for let in self.m.lets:
                self._let(let)
        else:
            w.emit(0, f"def {name}(src, r):")
            w.emit(1, "out = {}")
            hoist_at = len(w.lines)
            for let in self.m.lets:
                w.emit(1, f"_n_{let.name} = None")
        each_names = iter(n for n, _ in nested)
        for rule in rules:
            each_fn = next(each_names) if rule.each else None
            self._rule(rule, prefix, each_fn)
        if top:
            self._lost_checks()
            for key, path in self.m.stamp.items():
                value = self.m.iri if key == "iri" else self.m.version
                _set_code(w, 1, "out", path, repr(value))
            w.emit(1, "return r")
            reads = [f"    {var} = src.get({key!r})" for key, var in hoisted.items()]
            w.lines[hoist_at:hoist_at] = reads + self._container_inits()
            w.hoisted = None
        else:
            w.emit(1, "return out")
            w.lines[hoist_at:hoist_at] = self._container_inits()
        w.emit(0, "")

    def _container_inits(self) -> list[str]:
        names = list(self.w.containers.values())
        return [f"    {' = '.join(names)} = None"] if names else []

    def _let(self, let: Any) -> None:
        w = self.w
        w.emit(1, "try:")
        for n, p in let.with_.items():
            _get_code(w, 2, f"_n_{n}", "src", p)
        names = self.let_names | set(let.with_)
        code, _ = compile_expression(let.expr, names)
        if let.when:
            cond, _ = compile_expression(let.when, names)
            code = f"({code}) if ({cond}) else None"
        w.emit(2, f"_n_{let.name} = {code}")
        self._transform_calls(let.transforms, 2, f"_n_{let.name}", repr(f"let {let.name}"), repr(f"let {let.name}"))
        w.emit(1, "except Exception as e:")
        w.emit(2, f"_n_{let.name} = None")
        w.emit(2, f"r.errors.append(('let {let.name}', _reason(e)))")

    def _rule(self, rule: RuleSpec, prefix: str, each_fn: str | None) -> None:
        w = self.w
        field = f"{prefix}{rule.target}"
        fconst = repr(field)
        w.emit(1, f"# line {rule.line}: {rule.target}")
        w.emit(1, "try:")
        ind = 2
        for n, p in rule.with_.items():
            _get_code(w, ind, f"_n_{n}", "src", p)
        if rule.when:
            code, _ = compile_expression(rule.when, self.let_names | set(rule.with_))
            w.emit(ind, f"if {code}:")
            ind += 1
        if rule.each:
            _get_code(w, ind, "v", "src", rule.each)
            w.emit(ind, f"if v is not None: v = [{each_fn}(e, r) for e in v]")
        elif rule.source:
            _get_code(w, ind, "v", "src", rule.source)
        elif rule.expr is not None:
            code, _ = compile_expression(rule.expr, self.let_names | set(rule.with_))
            w.emit(ind, f"v = {code}")
        elif rule.has_value:
            # A list or object constant is written as a literal, so that every record gets its own copy.
            literal = isinstance(rule.value, dict | list)
            w.emit(ind, f"v = {rule.value!r}" if literal else f"v = {w.const(rule.value)}")
        else:
            w.emit(ind, "v = None")
        src_name = repr(f"{prefix}{rule.source}" if rule.source else field)
        self._transform_calls(rule.transforms, ind, "v", fconst, src_name)
        w.emit(ind, "if v is not None:")
        try:
            _set_code(w, ind + 1, "out", rule.target, "v")
        except _OrderError as exc:
            raise MappingFileError(self.m.file, rule.line, f"{exc}; move this rule before them") from None
        if rule.predicate != EXACT_PREDICATE:
            why = rule.justification or rule.predicate
            w.emit(ind + 1, f"r.approximated.append({w.const((field, f'{rule.predicate}: {why}'))})")
        if rule.required:
            why = rule.required if isinstance(rule.required, str) else "no value for a required field"
            w.emit(ind, "else:")
            w.emit(ind + 1, f"r.errors.append({w.const((field, why))})")
        w.emit(1, "except Exception as e:")
        where = "lost" if rule.on_fail == "lost" else "errors"
        w.emit(2, f"r.{where}.append(({fconst}, _reason(e)))")

    def _transform_calls(self, transforms: list[Any], ind: int, var: str, fconst: str, sconst: str) -> None:
        ctx = BuildContext(codelists=self.cl, source_enum=None, mapping_name=self.m.file)
        for t in transforms:
            built = build(t.name, t.args, ctx)
            fn = self.w.const(built.fn, "_t")
            call = f"{fn}({var}, r, {fconst}, {sconst})" if built.notes else f"{fn}({var})"
            self.w.emit(ind, f"if {var} is not None: {var} = {call}")

    def _lost_checks(self) -> None:
        """Source fields that no rule reads are reported as lost when a record has them."""
        w = self.w
        reads = set()

        def collect(rules: list[RuleSpec], prefix: str) -> None:
            for rule in rules:
                for p in rule.reads():
                    reads.add(prefix + p)
                if rule.each:
                    collect(rule.rules, f"{prefix}{rule.each}[*].")

        collect(self.m.rules, "")
        for let in self.m.lets:
            reads.update(let.with_.values())
        norm = {field_name([s for s in split_path(p) if isinstance(s, str) and s != "*"]) for p in reads}
        source = SchemaSet.load(self.m.source_schema)
        self._unknown_checks(source)
        for path in source.field_paths(depth=2):
            if path.startswith("@"):
                continue  # JSON-LD keywords (@context, @type) are not data
            if any(r == path or r.startswith(path + ".") or path.startswith(r + ".") for r in norm):
                continue
            reason = self.m.drops.get(path, f"no rule of {self.m.file} maps it")
            segs = path.split(".")
            item = w.const((path, reason))
            if len(segs) == 1:
                w.emit(1, f"if {segs[0]!r} in src: r.lost.append({item})")
            else:
                parent = self._hoist(segs[0])
                w.emit(1, f"if {parent}.__class__ is dict and {segs[1]!r} in {parent}: r.lost.append({item})")

    def _hoist(self, key: str) -> str:
        hoisted = self.w.hoisted
        assert hoisted is not None
        return hoisted.setdefault(key, f"_s{len(hoisted)}")

    def _unknown_checks(self, source: SchemaSet) -> None:
        """Fields a record has that its schema does not define are reported lost, not silently dropped."""
        schema_name = self.m.source_schema.name
        w = self.w
        top = set(source.properties_at([]) or {})
        known = w.const(frozenset(top))
        w.emit(1, f"if not {known}.issuperset(src):")
        w.emit(2, f"for k in src.keys() - {known}:")
        w.emit(3, f"r.lost.append((k, {w.const('not a field of ' + self.m.source_schema.name)}))")
        for name in sorted(top):
            sub = source.properties_at([name])
            if not sub or name.startswith("@"):
                continue
            known = w.const(frozenset(sub))
            parent = self._hoist(name)
            w.emit(1, f"if {parent}.__class__ is dict and not {known}.issuperset({parent}):")
            w.emit(2, f"for k in {parent}.keys() - {known}:")
            w.emit(
                3,
                f"r.lost.append(({name!r} + '.' + k, {w.const('not a field of ' + schema_name)}))",
            )


def compile_mapping(mapping: Mapping, codelists: CodeLists) -> Compiled:
    return Compiler(mapping, codelists).compile()

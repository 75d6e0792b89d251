"""Load a mapping file: validate it against the mapping language's JSON Schema, then check what a
schema cannot (source paths against the source schema, units, code lists, expressions, cycles).
Every refusal is a MappingFileError naming the file, the line and the reason."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from hub.jsonld.datadir import MAPPINGS_DIR
from hub.mapping.codelists import CodeLists, load_codelists
from hub.mapping.errors import MappingFileError
from hub.mapping.expressions import ExpressionError, compile_expression, names_in
from hub.mapping.functions import FUNCTIONS
from hub.mapping.model import LetSpec, Mapping, RuleSpec, TransformSpec
from hub.mapping.schema_paths import SchemaSet, split_path
from hub.mapping.transforms import BuildContext, TransformError, build
from hub.mapping.yamlpos import Node, line_at, load_yaml_text
from rules_engine.issues import schema_message
from rules_engine.yamlsrc import ALIASES_REFUSED

LANGUAGE_SCHEMA = MAPPINGS_DIR / "mapping-language.schema.json"


@cache
def _language_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(LANGUAGE_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(MAPPINGS_DIR.parent.resolve()))
    except ValueError:
        return str(path)


def load_mapping(path: Path, codelists: CodeLists | None = None) -> Mapping:
    """Parse and check one mapping file."""
    path = Path(path)
    return load_mapping_text(path.read_text(encoding="utf-8"), path, _display(path), codelists)


def load_mapping_text(text: str, path: Path, file: str, codelists: CodeLists | None = None) -> Mapping:
    """Parse and check mapping YAML `text` as if it were the file `path` (its relative schema paths resolve
    from `path`'s folder); errors name `file`."""
    try:
        raw = load_yaml_text(text)
    except yaml.YAMLError as exc:  # a YAML error carries its own mark; its first line says what is wrong
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if not reason.startswith(ALIASES_REFUSED):
            reason = f"not valid YAML: {reason}"
        raise MappingFileError(file, line, reason, column) from None
    if not isinstance(raw, Node):  # every YAML mapping loads as a Node (with its lines)
        raise MappingFileError(file, 1, "a mapping file is a YAML mapping (iri, version, rules, ...)")
    errors = sorted(_language_validator().iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        reason = f"at {where}: {schema_message(err.message, err.instance)}"
        raise MappingFileError(file, line_at(raw, list(err.absolute_path)), reason)
    cl = codelists or load_codelists()
    base = path.parent
    mapping = Mapping(
        file=file,
        path=path,
        iri=raw["iri"],
        version=str(raw["version"]),
        effective=str(raw["effective"]),
        title=raw.get("title", ""),
        author=raw.get("author", ""),
        doc=raw.get("doc", ""),
        direction=raw["direction"],
        source_name=raw["source"]["name"],
        source_schema=(base / raw["source"]["schema"]).resolve(),
        target_name=raw["target"]["name"],
        target_schema=(base / raw["target"]["schema"]).resolve(),
        target_context=(base / raw["target"]["context"]).resolve() if raw["target"].get("context") else None,
        stamp=dict(raw.get("stamp", {})),
        lets=[],
        rules=[],
        drops=dict(raw.get("drops", {})),
        cases=(base / raw["cases"]).resolve() if raw.get("cases") else None,
        raw=raw,
    )
    for key, schema_path in (("source", mapping.source_schema), ("target", mapping.target_schema)):
        if not schema_path.exists():
            raise MappingFileError(file, raw.line_of(key), f"{key} schema {schema_path} does not exist")
    source = SchemaSet.load(mapping.source_schema)
    mapping.lets = [_let(name, spec, file, cl) for name, spec in (raw.get("let") or {}).items()]
    let_names = {let.name for let in mapping.lets}
    _check_cycles(mapping, file)
    for let in mapping.lets:
        for key in ("expr", "when"):
            text = getattr(let, key)
            if text is not None:
                try:
                    compile_expression(text, let_names | set(let.with_))
                except ExpressionError as exc:
                    raise MappingFileError(file, let.line, f"let '{let.name}': {exc}") from None
    for let in mapping.lets:
        for p in let.with_.values():
            _check_source(source, p, file, let.line)
    ctx_names = set(let_names)
    mapping.rules = [_rule(r, file, source, "", ctx_names, cl, mapping) for r in raw["rules"]]
    for drop in mapping.drops:
        _check_source(source, drop, file, raw["drops"].line_of(drop))
    _check_targets(mapping.rules, file)
    return mapping


def _let(name: str, spec: Node, file: str, cl: CodeLists) -> LetSpec:
    let = LetSpec(name=name, line=spec.line, with_=dict(spec.get("with", {})), expr=spec["expr"], when=spec.get("when"))
    let.transforms = _transforms(spec, file, f"let '{name}'", BuildContext(cl, None, file))
    return let


def _transforms(raw: Node, file: str, what: str, ctx: BuildContext) -> list[TransformSpec]:
    out = []
    for i, t in enumerate(raw.get("transforms", [])):
        ((name, args),) = t.items()
        tline = line_at(raw, ["transforms", i]) or raw.line
        try:
            build(name, args, ctx)
        except TransformError as exc:
            raise MappingFileError(file, tline, f"{what}, transform '{name}': {exc}") from None
        out.append(TransformSpec(name, args, tline))
        ctx = BuildContext(codelists=ctx.codelists, source_enum=None, mapping_name=file)  # only the first sees the enum
    return out


def _check_cycles(mapping: Mapping, file: str) -> None:
    """A `let` value may use other lets, never itself through any chain of them."""
    lets = {let.name: let for let in mapping.lets}
    deps: dict[str, set[str]] = {}
    for let in mapping.lets:
        try:
            used = names_in(let.expr)
        except SyntaxError as exc:
            raise MappingFileError(file, let.line, f"let '{let.name}': expression is not valid: {exc.msg}") from None
        if let.when:
            used |= names_in(let.when)
        deps[let.name] = {n for n in used if n in lets and n not in let.with_}
    state: dict[str, int] = {}

    def visit(name: str, chain: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*chain[chain.index(name) :], name])
            raise MappingFileError(file, lets[name].line, f"cycle: let '{name}' is derived from itself ({cycle})")
        state[name] = 1
        for dep in sorted(deps[name]):
            visit(dep, [*chain, name])
        state[name] = 2

    for name in lets:
        visit(name, [])
    order: list[str] = []
    done: set[str] = set()

    def topo(name: str) -> None:
        if name in done:
            return
        for dep in sorted(deps[name]):
            topo(dep)
        done.add(name)
        order.append(name)

    for name in lets:
        topo(name)
    mapping.lets = [lets[n] for n in order]


def _check_source(source: SchemaSet, path: str, file: str, line: int) -> None:
    try:
        source.check(path)
    except ValueError as exc:
        raise MappingFileError(file, line, str(exc)) from None


def _rule(
    raw: Node, file: str, source: SchemaSet, prefix: str, names: set[str], cl: CodeLists, mapping: Mapping
) -> RuleSpec:
    line = raw.line
    rule = RuleSpec(target=raw["target"], line=line)
    try:
        split_path(rule.target)
    except ValueError as exc:
        raise MappingFileError(file, raw.line_of("target"), str(exc)) from None
    rule.source = raw.get("source")
    rule.with_ = dict(raw.get("with", {}))
    rule.expr = raw.get("expr")
    rule.has_value = "value" in raw
    rule.value = raw.get("value")
    rule.when = raw.get("when")
    rule.predicate = raw.get("predicate", rule.predicate)
    rule.confidence = raw.get("confidence")
    rule.justification = raw.get("justification")
    rule.author = raw.get("author")
    rule.each = raw.get("each")
    rule.required = raw.get("required", False)
    rule.on_fail = raw.get("on_fail", "error")
    for key in ("source", "each"):
        if raw.get(key):
            _check_source(source, prefix + raw[key], file, raw.line_of(key))
    for name, p in rule.with_.items():
        if name in FUNCTIONS:
            raise MappingFileError(file, raw["with"].line_of(name), f"'{name}' names a function; choose another")
        _check_source(source, prefix + p, file, raw["with"].line_of(name))
    local = names | set(rule.with_)
    for key in ("expr", "when"):
        if raw.get(key) is not None:
            try:
                compile_expression(str(raw[key]), local)
            except ExpressionError as exc:
                raise MappingFileError(file, raw.line_of(key), str(exc)) from None
            used = names_in(str(raw[key]))
            if rule.target.split(".")[-1] in used and rule.target.split(".")[-1] not in local:
                raise MappingFileError(file, raw.line_of(key), f"cycle: '{rule.target}' is derived from itself")
    enum = source.enum_at(prefix + rule.source) if rule.source else None
    ctx = BuildContext(codelists=cl, source_enum=enum, mapping_name=file)
    rule.transforms = _transforms(raw, file, f"rule '{rule.target}'", ctx)
    if rule.each:
        item_prefix = f"{prefix}{rule.each}[*]."
        rule.rules = [_rule(r, file, source, item_prefix, names, cl, mapping) for r in raw.get("rules", [])]
    return rule


def _check_targets(rules: list[RuleSpec], file: str) -> None:
    """Two rules may not write the same target unless their conditions tell them apart."""
    seen: dict[str, RuleSpec] = {}
    for rule in rules:
        prev = seen.get(rule.target)
        if prev and not (prev.when or rule.when):
            raise MappingFileError(
                file, rule.line, f"target '{rule.target}' is already written by the rule on line {prev.line}"
            )
        seen[rule.target] = rule
        _check_targets(rule.rules, file)

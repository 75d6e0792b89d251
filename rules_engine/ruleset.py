"""Rule sets as data: reading one rule-set folder (`ruleset.yaml`, `tests.yaml`) and validating it
against `rulesets/ruleset.schema.json`. Merging layers and compiling happen in `program`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from rules_engine.issues import Issue, Position, schema_message
from rules_engine.yamlsrc import LocatedDict, load_yaml, load_yaml_text, position_of

LAYERS = ("general", "industry", "product")
SCHEMA_FILE = "ruleset.schema.json"


@dataclass(frozen=True)
class RuleSetRef:
    id: str
    version: str
    layer: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "layer": self.layer}


@dataclass
class RuleSetSource:
    """One rule set as written: its header, and its rules still as (located) YAML data."""

    data: LocatedDict
    file: str
    tests: list[dict[str, Any]] = field(default_factory=list)
    tests_file: str | None = None
    tests_facts: dict[str, Any] = field(default_factory=dict)  # facts shared by all test cases

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def jurisdiction(self) -> str:
        return str(self.data["jurisdiction"])

    @property
    def layer(self) -> str:
        return str(self.data["layer"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def refines(self) -> str | None:
        value = self.data.get("refines")
        return None if value is None else str(value)

    @property
    def applies_to(self) -> dict[str, str]:
        return dict(self.data.get("applies_to") or {})

    @property
    def effective_from(self) -> date:
        return date.fromisoformat(str(self.data["effective_from"]))

    @property
    def effective_until(self) -> date | None:
        value = self.data.get("effective_until")
        return None if value is None else date.fromisoformat(str(value))

    @property
    def ref(self) -> RuleSetRef:
        return RuleSetRef(self.id, self.version, self.layer)

    @property
    def title(self) -> dict[str, str]:
        return dict(self.data["title"])

    def in_force(self, on: date) -> bool:
        """Effective from `effective_from` (inclusive) until `effective_until` (exclusive)."""
        until = self.effective_until
        return self.effective_from <= on and (until is None or on < until)

    def overlaps(self, other: RuleSetSource) -> bool:
        a_end, b_end = self.effective_until or date.max, other.effective_until or date.max
        return self.effective_from < b_end and other.effective_from < a_end

    def at(self, *path: str | int) -> Position:
        """Position of a value inside the rule set, e.g. at("checks", 2, "when")."""
        node: Any = self.data
        where = position_of(node)
        for key in path:
            where = position_of(node, key)
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        return where


@lru_cache(maxsize=4)
def _schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def schema_path(root: Path) -> Path:
    local = root / SCHEMA_FILE
    return local if local.exists() else Path(__file__).resolve().parent.parent / "rulesets" / SCHEMA_FILE


def validate(data: Any, file: str, schema_file: Path) -> list[Issue]:
    """JSON-Schema errors as issues at the position of the offending value."""
    validator = jsonschema.Draft202012Validator(_schema(schema_file))
    issues = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        node: Any = data
        where = position_of(data)
        for key in error.absolute_path:
            where = position_of(node, key)
            node = node[key]
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = schema_message(error.message, error.instance)
        issues.append(Issue(file, where.line, where.column, "schema", f"{path}: {message}"))
    return issues


def _read(path: Path) -> tuple[Any, list[Issue]]:
    try:
        return load_yaml(path), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Issue(str(path), line, column, "yaml", str(error).splitlines()[0])]


def read_ruleset_text(text: str, file: str, schema_file: Path) -> tuple[RuleSetSource | None, list[Issue]]:
    try:
        data = load_yaml_text(text, file)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Issue(file, line, column, "yaml", str(error).splitlines()[0])]
    issues = validate(data, file, schema_file)
    return (None if issues else RuleSetSource(data, file)), issues


def read_ruleset_folder(folder: Path, schema_file: Path) -> tuple[RuleSetSource | None, list[Issue]]:
    """Read `folder/ruleset.yaml` and its test cases `folder/tests.yaml` (optional)."""
    file = folder / "ruleset.yaml"
    data, issues = _read(file)
    if issues:
        return None, issues
    issues = validate(data, str(file), schema_file)
    if issues:
        return None, issues
    source = RuleSetSource(data, str(file))
    tests_file = folder / "tests.yaml"
    if tests_file.exists():
        tests, more = _read(tests_file)
        issues += more + attach_tests(source, tests, str(tests_file))
    return source, issues


def attach_tests(source: RuleSetSource, tests: Any, file: str) -> list[Issue]:
    """Give `source` the test cases of a loaded tests.yaml (`facts` shared, `cases` a list)."""
    cases = (tests or {}).get("cases") if isinstance(tests, dict) else None
    issues = []
    if tests is not None and not isinstance(cases, list):
        issues.append(Position(file).issue("schema", "tests.yaml needs a `cases` list"))
    source.tests, source.tests_file = list(cases or []), file
    shared = tests.get("facts") if isinstance(tests, dict) else None
    source.tests_facts = dict(shared) if isinstance(shared, dict) else {}
    return issues


def read_tests_text(source: RuleSetSource, text: str, file: str) -> list[Issue]:
    """Attach the test cases in tests.yaml `text` to `source`; a YAML error is an issue with its position."""
    try:
        tests = load_yaml_text(text, file)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [Issue(file, line, column, "yaml", str(error).splitlines()[0])]
    return attach_tests(source, tests, file)

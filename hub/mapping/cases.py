"""Golden cases: per mapping, inputs and the result they must give (`mappings/<target>/cases/<dir>/`).

A case is `<name>.expected.json` (the whole MappingResult: output, lost, approximated, errors) with
`<name>.input.json` beside it; an export case without an input file reads the shared example
`schema/examples/footprint-document/<name>.json`. An output without errors must also be valid
against the mapping's target schema."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.jsonld.datadir import SCHEMA_DIR
from hub.mapping.catalog import Catalog, Mapper

EXAMPLES = SCHEMA_DIR / "examples" / "footprint-document"


@dataclass
class GoldenCase:
    name: str
    input_path: Path
    expected_path: Path

    def input(self) -> Any:
        return json.loads(self.input_path.read_text(encoding="utf-8"))

    def expected(self) -> Any:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))


@dataclass
class CaseOutcome:
    mapping: str
    case: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_cases(mapper: Mapper) -> list[GoldenCase]:
    folder = mapper.mapping.cases
    if folder is None or not folder.is_dir():
        return []
    cases = []
    for expected in sorted(folder.glob("*.expected.json")):
        name = expected.name[: -len(".expected.json")]
        own = folder / f"{name}.input.json"
        cases.append(GoldenCase(name, own if own.exists() else EXAMPLES / f"{name}.json", expected))
    return cases


def diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            here = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{here}: missing (expected {expected[key]!r})")
            elif key not in expected:
                out.append(f"{here}: unexpected {actual[key]!r}")
            else:
                out.extend(diff(expected[key], actual[key], here))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in diff(e, a, f"{path}[{i}]")]
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def run_case(catalog: Catalog, mapper: Mapper, case: GoldenCase) -> CaseOutcome:
    outcome = CaseOutcome(mapper.mapping.file, case.name)
    if not case.input_path.exists():
        outcome.problems.append(f"input {case.input_path} does not exist")
        return outcome
    result = mapper.map(case.input()).as_dict()
    outcome.problems.extend(diff(case.expected(), result))
    if not result["errors"]:
        for problem in catalog.validate_output(mapper.target, result["output"], mapper.mapping.direction):
            outcome.problems.append(f"output not valid against {mapper.mapping.target_schema.name}: {problem}")
    return outcome


def update_case(mapper: Mapper, case: GoldenCase) -> None:
    """Rewrite a case's expected result from the current mapping (after a person has reviewed the diff)."""
    result = mapper.map(case.input()).as_dict()
    case.expected_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def run_all(catalog: Catalog) -> list[CaseOutcome]:
    return [run_case(catalog, m, c) for m in catalog.mappers() for c in find_cases(m)]

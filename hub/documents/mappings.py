"""Mapping drafts: compiled from text by the mapping engine, their golden cases run (outputs validated against
the target schema), and the catalog in force built (the shipped files plus the published versions).

A draft's relative paths (source and target schemas, context) resolve from the folder of the shipped
mapping with the same IRI, else from `mappings/`: a mapping to a new target needs its schema as a
reviewed file first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub.documents.positions import CONTENT_FILE, line_error
from hub.documents.report import Failure, TestReport
from hub.jsonld.datadir import MAPPINGS_DIR
from hub.mapping.cases import diff
from hub.mapping.catalog import Catalog, Mapper, load_catalog
from hub.mapping.codelists import load_codelists
from hub.mapping.compiler import compile_mapping
from hub.mapping.errors import MappingFileError
from hub.mapping.loader import load_mapping_text
from hub.mapping.yamlpos import load_yaml_text
from hub.validation import FieldError, InvalidInput
from rules_engine.yamlsrc import ALIASES_REFUSED, NoAliasLoader


@dataclass(frozen=True)
class Text:
    """A mapping as stored in the database: its YAML text."""

    document_id: str
    version: str
    content: str


@dataclass(frozen=True)
class GoldenCase:
    name: str
    input: Any
    expected: Any


@cache
def shipped() -> Catalog:
    return load_catalog()


def shipped_versions(iri: str) -> list[str]:
    return [m.version for m in shipped().mappers() if m.iri == iri]


def _folder_of(content: str) -> Path:
    try:
        iri = (load_yaml_text(content) or {}).get("iri")
    except (yaml.YAMLError, AttributeError):  # refused with its position when the draft is compiled
        iri = None
    for mapper in shipped().mappers():
        if mapper.iri == iri:
            return mapper.mapping.path.parent
    return MAPPINGS_DIR


def compile_text(content: str, file: str = CONTENT_FILE) -> Mapper:
    """Load, check and compile mapping YAML `content` (MappingFileError names the line and the reason)."""
    path = _folder_of(content) / "draft.yaml"
    codelists = load_codelists()
    mapping = load_mapping_text(content, path, file, codelists)
    return Mapper(mapping, compile_mapping(mapping, codelists))


def compile_draft(content: str) -> Mapper:
    """`compile_text`, refusing with an input error on `$.content` that names the line and the reason."""
    try:
        return compile_text(content)
    except MappingFileError as error:
        raise InvalidInput([line_error("$.content", error.line, error.reason, error.column)]) from None


class _CasesLoader(NoAliasLoader):
    documents = "golden cases"


def parse_cases(text: str) -> Any:
    """Golden cases as YAML or JSON text, read without anchors or aliases (refused naming line and column)."""
    try:
        return yaml.load(text, Loader=_CasesLoader)  # a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if not reason.startswith(ALIASES_REFUSED):
            reason = f"is not valid YAML or JSON: {reason}"
        field_error = line_error("$.cases", mark and mark.line + 1, reason, mark and mark.column + 1)
        raise InvalidInput([field_error]) from None


def read_cases(cases: Any) -> list[GoldenCase]:
    """Golden cases given as a list of {name?, input, expected} (expected: the whole mapping result)."""
    if not isinstance(cases, list) or not cases:
        raise InvalidInput([FieldError("$.cases", "must be a non-empty list of {name, input, expected}")])
    problems, out = [], []
    for i, case in enumerate(cases):
        if not isinstance(case, dict):
            problems.append(FieldError(f"$.cases[{i}]", "must be an object {name, input, expected}"))
            continue
        for key in ("input", "expected"):
            if key not in case:
                problems.append(FieldError(f"$.cases[{i}].{key}", "is required"))
        if "expected" in case and not isinstance(case["expected"], dict):
            problems.append(FieldError(f"$.cases[{i}].expected", "must be a mapping result {output, lost, ...}"))
        out.append(GoldenCase(str(case.get("name") or f"case {i}"), case.get("input"), case.get("expected")))
    if problems:
        raise InvalidInput(problems)
    return out


def run_cases(mapper: Mapper, cases: Sequence[GoldenCase]) -> TestReport:
    """Map each case's input, compare with its expected result, validate outputs against the target schema."""
    report = TestReport()
    for case in cases:
        try:
            result = mapper.map(case.input).as_dict()
        except Exception as error:  # a case must report, not stop the run
            report.failures.append(Failure(case.name, [f"{type(error).__name__}: {error}"]))
            continue
        problems = diff(case.expected, result)
        if not result["errors"]:
            schema = mapper.mapping.target_schema
            invalid = shipped().validate_against(schema, result["output"])
            problems += [f"output not valid against {schema.name}: {p}" for p in invalid]
        if problems:
            report.failures.append(Failure(case.name, problems))
        else:
            report.passed += 1
    return report


def catalog(published: Sequence[Text]) -> Catalog:
    """The shipped catalog plus the published versions: per target and direction the highest version is used."""
    out = load_catalog()
    for text in published:
        out.add(compile_text(text.content, f"db:{text.document_id}@{text.version}"))
    return out

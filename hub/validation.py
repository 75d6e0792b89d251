"""Validates input records against the JSON Schemas in `schema/json/` and names each problem's field.

The schemas are the one description of valid input (DESIGN: no ad hoc `if` checks duplicating a schema);
this module only loads them, adds the formats JSON Schema leaves to applications, and turns jsonschema's
errors into `FieldError`s with a JSON path and a reason a person can act on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from hub.domain.credit_code import credit_code_problem
from hub.resources import data_dir

SCHEMA_BASE = "https://w3id.org/cfhub/schema/json/"
# Bounds that hold for any input value, whatever its schema: nesting depth, and integers a database column
# (64-bit) can hold. A schema narrows them per field (maxLength, minimum, maximum).
MAX_DEPTH = 32
MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class FieldError:
    path: str  # JSON path of the offending field, e.g. $.stages[0].kgco2e
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class InvalidInput(ValueError):
    """Input that was refused; nothing was written. Carries every problem found, each naming its field."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _is_iri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"urn", "did"}) and " " not in value


def _is_credit_code(value: object) -> bool:
    if not isinstance(value, str):
        return True
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return True


def _format_checker() -> FormatChecker:
    checker = Draft202012Validator.FORMAT_CHECKER
    checker = FormatChecker(formats=list(checker.checkers))
    checker.checks("iri")(_is_iri)
    checker.checks("cn-uscc", raises=ValueError)(_is_credit_code)
    return checker


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted((data_dir("schema") / "json").glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((SCHEMA_BASE + path.name, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of `schema/json/<name>.schema.json`."""
    uri = f"{SCHEMA_BASE}{name}.schema.json"
    schema = _registry().get_or_retrieve(uri).value.contents
    return Draft202012Validator(schema, registry=_registry(), format_checker=_format_checker())


def json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _scalar_problem(value: object) -> str | None:
    """Why a scalar cannot be stored or compared, if it cannot: JSON has no NaN or Infinity, a database
    column holds 64 bits, and a lone surrogate is no character (it cannot be encoded as UTF-8)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number: NaN and Infinity are not JSON numbers"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return f"is out of range: integers must lie within ±{MAX_INT}"
    if isinstance(value, str) and not _encodable(value):
        return "holds a lone surrogate (\\ud800-\\udfff outside a pair): not valid Unicode"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bound_problems(value: Any, root: str = "$", max_depth: int = MAX_DEPTH) -> list[FieldError]:
    """Every way `value` breaks the bounds that hold for all input, found without recursion (a value
    nested too deeply must be refused, not crash the walk that looks at it)."""
    found: list[FieldError] = []
    todo: list[tuple[Any, str, int]] = [(value, root, 0)]
    while todo:
        item, path, depth = todo.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth >= max_depth:
                found.append(FieldError(path, f"nests deeper than {max_depth} levels"))
                continue
            pairs = item.items() if isinstance(item, Mapping) else enumerate(item)
            for key, child in pairs:
                problem = _scalar_problem(key)
                if problem:
                    found.append(FieldError(path, f"has a key that {problem}"))
                    continue
                todo.append((child, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}", depth + 1))
            continue
        problem = _scalar_problem(item)
        if problem:
            found.append(FieldError(path, problem))
    return sorted(found, key=lambda e: (e.path, e.reason))


def _object_schema(schema: object) -> Mapping[str, Any]:
    """`schema` as a JSON object. JSON Schema also allows `true` and `false` as schemas (and jsonschema leaves
    an error's schema unset when it has none); such a schema has no keywords, so it reads as empty."""
    return schema if isinstance(schema, Mapping) else {}


def _field_errors(error: ValidationError) -> list[FieldError]:
    path = list(error.absolute_path)
    schema = _object_schema(error.schema)
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return [FieldError(json_path([*path, missing]), "is required")]
    if error.validator == "additionalProperties":
        known = set(schema.get("properties", {}))
        extra = sorted(set(error.instance) - known) if isinstance(error.instance, Mapping) else []
        return [FieldError(json_path([*path, name]), "is not a known field") for name in extra]
    if error.validator == "oneOf" and error.context:
        wanted = sorted({r for sub in schema["oneOf"] for r in sub.get("required", [])})
        return [FieldError(json_path(path), f"must have exactly one of {', '.join(wanted)}")]
    if error.validator == "format" and error.cause is not None:
        return [FieldError(json_path(path), f"is not a valid {error.validator_value}: {error.cause}")]
    if error.validator == "pattern" and schema.get("description"):
        return [FieldError(json_path(path), f"{error.message}: {schema['description']}")]
    return [FieldError(json_path(path), error.message)]


def problems(name: str, record: Any) -> list[FieldError]:
    """Every way `record` breaks schema `name`, sorted by path. Values out of any bound (non-finite numbers,
    lone surrogates, absurd nesting) are refused before the schema is applied to them."""
    found = bound_problems(record)
    if found:
        return found
    for error in validator(name).iter_errors(record):
        found.extend(_field_errors(error))
    return sorted(set(found), key=lambda e: (e.path, e.reason))


def require_valid(name: str, record: Any) -> None:
    found = problems(name, record)
    if found:
        raise InvalidInput(found)


@cache
def record_fields(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The fields of schema `name` in the schema's order, and which of them are required.

    Code that copies a record field by field takes the names from here, so that a field added to the
    schema needs no second list in Python."""
    schema = _object_schema(validator(name).schema)
    return tuple(schema["properties"]), frozenset(schema.get("required", ()))

"""Checking the records of a received bundle: each must be a valid record of the bundle's vocabulary as far as
it goes, and must map back into the ZJ vocabulary.

A record shared under an agreement carries only the fields the agreement grants, so a field's absence is not
a fault: every JSON Schema `required` is lifted, while every field that is present must still be valid
(types, ranges, codes, formats). Likewise a mapping rule that fails only because its source field was not
shared is not a fault; any other mapping failure is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from hub.jsonld.datadir import SCHEMA_DIR
from hub.mapping import Catalog, Mapper

ZJ_DOCUMENT_SCHEMA = SCHEMA_DIR / "json" / "footprint-document.schema.json"


def _lifted(schema: Any) -> Any:
    """The schema with every `required` removed, at every depth."""
    if isinstance(schema, dict):
        return {k: _lifted(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_lifted(v) for v in schema]
    return schema


def _registry(paths: list[Path]) -> Registry:
    registry: Registry = Registry()
    for path in paths:
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in schema:
            registry = registry.with_resource(schema["$id"], Resource.from_contents(_lifted(schema)))
    return registry


class RecordChecker:
    """Validates and maps the `data` of received records of one vocabulary (None: the ZJ vocabulary)."""

    def __init__(self, catalog: Catalog, vocabulary: str | None) -> None:
        self.mapper: Mapper | None = catalog.get(vocabulary, "import") if vocabulary else None
        schema_path = self.mapper.mapping.source_schema if self.mapper else ZJ_DOCUMENT_SCHEMA
        schemas = [*sorted((SCHEMA_DIR / "json").glob("*.json")), schema_path]
        schema = _lifted(json.loads(schema_path.read_text(encoding="utf-8")))
        self.validator = jsonschema.Draft202012Validator(
            schema, registry=_registry(schemas), format_checker=jsonschema.FormatChecker()
        )
        self._reads = {r.target: r.reads() for r in self.mapper.mapping.rules} if self.mapper else {}
        self._required = {r.target for r in self.mapper.mapping.rules if r.required} if self.mapper else set()

    def check(self, data: Any) -> tuple[dict[str, Any] | None, list[str]]:
        """The record as a ZJ document, or None and every reason it is refused."""
        if not isinstance(data, Mapping):
            return None, ["data must be one JSON object"]
        problems = [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}"
            for e in sorted(self.validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        ]
        if problems:
            return None, problems
        if self.mapper is None:
            return dict(data), []
        result = self.mapper.map(data)
        failed = [f"{target}: {reason}" for target, reason in result.errors if not self._unshared(target, data)]
        return (None, failed) if failed else (result.output, [])

    def _unshared(self, target: str, data: Mapping[str, Any]) -> bool:
        """A rule failed only because it is required and nothing it reads was shared."""
        reads = self._reads.get(target)
        return target in self._required and bool(reads) and all(_absent(data, path) for path in reads or [])


def _absent(data: Mapping[str, Any], path: str) -> bool:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return True
        value = value[part]
    return value is None


BUNDLE_SCHEMA = SCHEMA_DIR / "json" / "dataset-bundle.schema.json"


def _inlined(schema: Any, defs: Mapping[str, Any], common: Mapping[str, Any]) -> Any:
    """`schema` with its $refs (to the bundle schema's own $defs and to common.schema.json's) replaced by what
    they name: jsonschema resolves a $ref on every use, which dominated checking 100,000 records."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            source, _, name = ref.partition("#/$defs/")
            target = common[name] if source == "common.schema.json" else defs[name]
            return _inlined(target, defs, common)
        return {k: _inlined(v, defs, common) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inlined(v, defs, common) for v in schema]
    return schema


class EntryChecker:
    """The shape of each record entry of a bundle (its `record` definition in dataset-bundle.schema.json)."""

    def __init__(self) -> None:
        from hub.validation import _format_checker

        bundle = json.loads(BUNDLE_SCHEMA.read_text(encoding="utf-8"))
        common = json.loads((SCHEMA_DIR / "json" / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
        entry = _inlined(bundle["$defs"]["record"], bundle["$defs"], common)
        self.validator = jsonschema.Draft202012Validator(entry, format_checker=_format_checker())

    def problems(self, entry: Any) -> list[str]:
        from hub.validation import bound_problems

        bounds = bound_problems(entry, root="")
        if bounds:  # NaN, Infinity, 64-bit overflow, lone surrogates, absurd nesting: refused before the schema
            return [f"{b.path.lstrip('.') or '(entry)'}: {b.reason}" for b in bounds]
        return [
            f"{'.'.join(str(p) for p in e.absolute_path) or '(entry)'}: {e.message}"
            for e in sorted(self.validator.iter_errors(entry), key=lambda e: list(e.absolute_path))
        ]

"""The catalog of mappings: every mapping file under `mappings/<target>/`, compiled once, by target and
direction, with the schemas to validate their outputs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from hub.jsonld.datadir import MAPPINGS_DIR, SCHEMA_DIR
from hub.mapping.codelists import load_codelists
from hub.mapping.compiler import Compiled, compile_mapping
from hub.mapping.loader import load_mapping
from hub.mapping.model import Mapping
from hub.mapping.result import MappingResult
from hub.mapping.schema_paths import required_paths

DIRECTIONS = ("export", "import")


@dataclass
class Mapper:
    """One compiled mapping: call `map` per record."""

    mapping: Mapping
    compiled: Compiled

    def map(self, document: Any) -> MappingResult:
        return self.compiled.fn(document)

    def map_many(self, documents: Iterable[Any]) -> list[MappingResult]:
        fn = self.compiled.fn
        return [fn(d) for d in documents]

    @property
    def iri(self) -> str:
        return self.mapping.iri

    @property
    def version(self) -> str:
        return self.mapping.version

    @property
    def target(self) -> str:
        m = self.mapping
        return m.target_name if m.direction == "export" else m.source_name


def compile_file(path: Path) -> Mapper:
    """Load, check and compile one mapping file (MappingFileError when it is refused)."""
    mapping = load_mapping(path)
    return Mapper(mapping, compile_mapping(mapping, load_codelists()))


def _registry(extra: Iterable[Path]) -> Registry:
    registry: Registry = Registry()
    for path in [*sorted((SCHEMA_DIR / "json").glob("*.json")), *extra]:
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in schema:
            registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry


class Catalog:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._mappers: dict[tuple[str, str], Mapper] = {}
        self._required: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for path in sorted(root.glob("*/*.yaml")):
            self.add(compile_file(path))

    def add(self, mapper: Mapper) -> None:
        """Add a compiled mapping; per target and direction the highest version is the one in force."""
        key = (mapper.target, mapper.mapping.direction)
        old = self._mappers.get(key)
        if old is None or _version(mapper.version) > _version(old.version):
            self._mappers[key] = mapper
            self.__dict__.pop("_registry", None)  # the schemas of the targets may have changed
            self._required.clear()

    def targets(self) -> list[str]:
        return sorted({t for t, _ in self._mappers})

    def mappers(self) -> list[Mapper]:
        return [self._mappers[k] for k in sorted(self._mappers)]

    def get(self, target: str, direction: str = "export") -> Mapper:
        try:
            return self._mappers[(target, direction)]
        except KeyError:
            have = ", ".join(f"{t} ({d})" for t, d in sorted(self._mappers))
            raise KeyError(f"no {direction} mapping for target '{target}' (the catalog has: {have})") from None

    @cached_property
    def _registry(self) -> Registry:
        return _registry(m.mapping.target_schema for m in self._mappers.values())

    def required_paths(self, target: str, direction: str = "export") -> list[tuple[str, ...]]:
        """The field paths every output of the mapping in force must have (its output schema's `required`),
        worked out once per catalog: a check in microseconds, where validating the whole schema takes
        milliseconds per record (docs/BENCHMARKS.md, pact-host)."""
        key = (target, direction)
        found = self._required.get(key)
        if found is None:
            schema = json.loads(self.output_schema(target, direction).read_text(encoding="utf-8"))
            found = self._required[key] = required_paths(schema)
        return found

    def output_schema(self, target: str, direction: str = "export") -> Path:
        m = self.get(target, direction).mapping
        return m.target_schema

    def validate_output(self, target: str, output: Any, direction: str = "export") -> list[str]:
        """Why `output` is not valid against the output schema of the mapping (empty when it is)."""
        return self.validate_against(self.output_schema(target, direction), output)

    def validate_against(self, schema_path: Path, output: Any) -> list[str]:
        """Why `output` is not valid against the JSON Schema at `schema_path` (empty when it is)."""
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(
            schema, registry=self._registry, format_checker=jsonschema.FormatChecker()
        )
        return [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}"
            for e in sorted(validator.iter_errors(output), key=lambda e: list(e.absolute_path))
        ]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def load_catalog(path: Path | None = None) -> Catalog:
    """All mappings under `path` (default: the project's `mappings/`), compiled."""
    return Catalog(Path(path) if path else MAPPINGS_DIR)

"""A mapping file, parsed and checked: its header and its rules, each with the line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXACT_PREDICATE = "skos:exactMatch"


@dataclass
class TransformSpec:
    name: str
    args: Any
    line: int


@dataclass
class RuleSpec:
    target: str
    line: int
    source: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    expr: str | None = None
    value: Any = None
    has_value: bool = False
    when: str | None = None
    transforms: list[TransformSpec] = field(default_factory=list)
    predicate: str = EXACT_PREDICATE
    confidence: float | None = None
    justification: str | None = None
    author: str | None = None
    each: str | None = None
    rules: list[RuleSpec] = field(default_factory=list)
    required: bool | str = False
    on_fail: str = "error"

    def reads(self) -> list[str]:
        paths = [p for p in [self.source, self.each] if p]
        return paths + list(self.with_.values())


@dataclass
class LetSpec:
    name: str
    line: int
    with_: dict[str, str]
    expr: str
    when: str | None = None
    transforms: list[TransformSpec] = field(default_factory=list)


@dataclass
class Mapping:
    file: str
    path: Path
    iri: str
    version: str
    effective: str
    title: str
    author: str
    doc: str
    direction: str
    source_name: str
    source_schema: Path
    target_name: str
    target_schema: Path
    target_context: Path | None
    stamp: dict[str, str]
    lets: list[LetSpec]
    rules: list[RuleSpec]
    drops: dict[str, str]
    cases: Path | None
    raw: dict[str, Any]

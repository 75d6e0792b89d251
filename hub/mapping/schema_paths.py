"""Resolve a dotted field path (`pcf.dqi.technologicalDQR`, `companyIds[0]`) inside a JSON Schema, so
that a mapping's source paths are checked against the source schema when the mapping loads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")


def split_path(path: str) -> list[str | int]:
    """`a.b[0].c` -> ['a', 'b', 0, 'c']; `[*]` is kept as '*'."""
    if not path or path.startswith(".") or path.endswith(".") or ".." in path:
        raise ValueError(f"'{path}' is not a field path")
    out: list[str | int] = []
    pos = 0
    for m in _SEGMENT.finditer(path):
        gap = path[pos : m.start()]
        if gap not in ("", "."):
            raise ValueError(f"'{path}' is not a field path")
        pos = m.end()
        if m.group(1) is not None:
            out.append(m.group(1))
        else:
            out.append("*" if m.group(2) == "*" else int(m.group(2)))
    if pos != len(path):
        raise ValueError(f"'{path}' is not a field path")
    return out


def field_name(segments: list[str | int]) -> str:
    """['a', 0, 'b'] -> 'a[0].b'."""
    text = ""
    for s in segments:
        text += f"[{s}]" if isinstance(s, int) or s == "*" else (f".{s}" if text else s)
    return text


@dataclass
class SchemaSet:
    """A JSON Schema file with the files its `$ref`s name, resolved relative to it."""

    root: Path
    _cache: dict[Path, Any]

    @classmethod
    def load(cls, path: Path) -> SchemaSet:
        return cls(path, {})

    def doc(self, path: Path) -> Any:
        if path not in self._cache:
            self._cache[path] = json.loads(path.read_text(encoding="utf-8"))
        return self._cache[path]

    def deref(self, schema: Any, base: Path) -> tuple[Any, Path]:
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            file_part, _, pointer = ref.partition("#")
            target = (base.parent / file_part).resolve() if file_part else base
            node = self.doc(target)
            for part in [p for p in pointer.split("/") if p]:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            extra = {k: v for k, v in schema.items() if k != "$ref"}
            schema, base = ({**node, **extra} if extra and isinstance(node, dict) else node), target
        return schema, base

    def _branches(self, schema: Any, base: Path) -> list[tuple[Any, Path]]:
        schema, base = self.deref(schema, base)
        if not isinstance(schema, dict):
            return []
        out = [(schema, base)]
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                out.extend(self._branches(sub, base))
        for key in ("then", "else"):
            if key in schema:
                out.extend(self._branches(schema[key], base))
        return out

    def properties_at(self, segments: list[str | int]) -> dict[str, Any] | None:
        """The properties of the object at `segments` (None when it is not an object)."""
        nodes = self._resolve(segments)
        props: dict[str, Any] = {}
        for schema, base in nodes:
            for sch, b in self._branches(schema, base):
                for k, v in sch.get("properties", {}).items():
                    props.setdefault(k, (v, b))
        return props or None

    def _resolve(self, segments: list[str | int]) -> list[tuple[Any, Path]]:
        nodes = [(self.doc(self.root), self.root)]
        for seg in segments:
            nxt: list[tuple[Any, Path]] = []
            for schema, base in nodes:
                for sch, b in self._branches(schema, base):
                    if isinstance(seg, str) and seg != "*":
                        if seg in sch.get("properties", {}):
                            nxt.append((sch["properties"][seg], b))
                    elif "items" in sch:
                        nxt.append((sch["items"], b))
            if not nxt:
                return []
            nodes = nxt
        return nodes

    def check(self, path: str) -> None:
        """Raise ValueError naming the unknown part when `path` is not in the schema."""
        segments = split_path(path)
        for i in range(1, len(segments) + 1):
            if not self._resolve(segments[:i]):
                parent = segments[: i - 1]
                known = sorted(self.properties_at(parent) or {}) if all(isinstance(s, str) for s in parent[-1:]) else []
                where = field_name(parent) or "the record"
                hint = f" (known fields of {where}: {', '.join(known)})" if known else ""
                raise ValueError(f"unknown source field '{path}': '{segments[i - 1]}' is not in {where}{hint}")

    def enum_at(self, path: str) -> list[Any] | None:
        """The allowed values at `path` when the schema gives an enum (of the items, for an array)."""
        values: list[Any] = []
        for schema, base in self._resolve(split_path(path)):
            for sch, b in self._branches(schema, base):
                if "enum" in sch:
                    values.extend(sch["enum"])
                elif "items" in sch:
                    for item, _ in self._branches(sch["items"], b):
                        values.extend(item.get("enum", []))
        return values or None

    def field_paths(self, depth: int = 2) -> list[str]:
        """Field paths of the schema down to `depth` object levels (arrays count as one field)."""
        out: list[str] = []

        def walk(prefix: list[str | int], level: int) -> None:
            props = self.properties_at(prefix) or {}
            for name in props:
                here = [*prefix, name]
                out.append(field_name(here))
                if level < depth:
                    sub = self.properties_at(here)
                    if sub:
                        out.pop()
                        walk(here, level + 1)

        walk([], 1)
        return out


def required_paths(schema: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every field path a record must have under `schema`: its `required` properties, and theirs where such
    a property is itself an object (local `$ref`s followed; arrays and alternatives not entered)."""
    out: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], prefix: tuple[str, ...], depth: int) -> None:
        node = _local(schema, node)
        properties = node.get("properties", {})
        for name in node.get("required", []):
            out.append((*prefix, name))
            child = properties.get(name)
            if isinstance(child, dict) and depth < 8:
                walk(child, (*prefix, name), depth + 1)

    walk(schema, (), 0)
    return out


def _local(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    for _ in range(8):
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def missing(record: Any, paths: list[tuple[str, ...]]) -> list[str]:
    """The required paths `record` does not have (absent or null)."""
    gaps: list[str] = []
    for path in paths:
        value = record
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            gaps.append(".".join(path))
    return gaps

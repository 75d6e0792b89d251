"""Small helpers for mapping tests: write a mapping file around some rules, load the examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hub.jsonld.datadir import MAPPINGS_DIR, SCHEMA_DIR

EXAMPLES = SCHEMA_DIR / "examples" / "footprint-document"
ZJ_SCHEMA = SCHEMA_DIR / "json" / "footprint-document.schema.json"
YRD_SCHEMA = MAPPINGS_DIR / "yrd" / "yrd-footprint.schema.json"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def all_examples() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))}


def write_mapping(tmp: Path, body: str, name: str = "m.yaml") -> Path:
    """A mapping file ZJ -> YRD whose header is fixed and whose `body` (let/rules YAML) is given.
    The header is 10 lines long, so the body's first line is line 11."""
    header = (
        "iri: https://w3id.org/cfhub/mapping/test\n"
        "version: 1.0.0\n"
        'effective: "2026-01-01"\n'
        "title: test mapping\n"
        "author: tests\n"
        "direction: export\n"
        f"source: {{name: zj-footprint, schema: {ZJ_SCHEMA}}}\n"
        f"target: {{name: test-target, schema: {YRD_SCHEMA}}}\n"
        "stamp: {iri: yingsheBiaoshi, version: yingsheBanben}\n"
        "drops: {}\n"
    )
    path = tmp / name
    path.write_text(header + body, encoding="utf-8")
    return path

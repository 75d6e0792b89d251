"""The PACT v3 ProductFootprint schema (mappings/pact/pact-v3.schema.json) as one compiled validator per file:
every footprint a host sends this hub, and every one this hub hands out, is checked against it.

The file is data shipped with the installation (the schema of the PACT mappings): compiling it once per
path holds nothing of any hub's database."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from hub.mapping import Catalog


@cache
def _validator(path: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def pact_problems(catalog: Catalog, document: Any) -> list[str]:
    """Why `document` is not a valid PACT v3 ProductFootprint, each naming its field (empty when it is one)."""
    path = catalog.get("pact", "import").mapping.source_schema
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}"
        for e in sorted(_validator(path).iter_errors(document), key=lambda e: list(e.absolute_path))
    ]

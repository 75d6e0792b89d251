"""The official PACT v3 OpenAPI document from ../shared (never copied into the project): load it,
resolve its `$ref`s and give a Draft 2020-12 validator for ProductFootprint."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    return Path(os.environ.get("CFHUB_SHARED_DIR", ROOT.parent / "shared"))


def pact_dir() -> Path:
    path = shared_dir() / "reference" / "pact" / "v3"
    if not (path / "openapi.yaml").exists():
        pytest.skip(f"PACT reference files not found at {path} (set CFHUB_SHARED_DIR to the shared folder)")
    return path


def _resolve(node: Any, root: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/"):
            target = root
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            merged = {**_resolve(target, root), **{k: v for k, v in node.items() if k != "$ref"}}
            return merged
        return {k: _resolve(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, root) for v in node]
    return node


@cache
def product_footprint_validator() -> jsonschema.Draft202012Validator:
    spec = yaml.safe_load((pact_dir() / "openapi.yaml").read_text(encoding="utf-8"))
    schema = _resolve(spec["components"]["schemas"]["ProductFootprint"], spec)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def official_errors(document: Any) -> list[str]:
    v = product_footprint_validator()
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(document)]


def official_example(n: int) -> dict[str, Any]:
    import json

    return json.loads((pact_dir() / "examples" / f"example-{n}.json").read_text(encoding="utf-8"))

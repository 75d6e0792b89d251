"""The npm packages of tests/federation/gateway/ (composition libraries, Hive Gateway), installed once into a
cache folder outside the repository; every test that needs them skips, saying why, where Node.js is absent."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests import node_packages

HERE = Path(__file__).resolve().parent / "gateway"
SCRIPTS = ("compose.mjs", "gateway.config.mjs")


def installed() -> Path:
    """The folder holding node_modules and the scripts; skips the test where Node.js or npm is missing."""
    return node_packages.installed(HERE, "federation-gateway", ".bin/hive-gateway", SCRIPTS, timeout=600)


def compose(folder: Path, library: str, subgraphs: list[dict[str, str]]) -> dict[str, Any]:
    """{"errors": [...], "supergraphSdl": ...} from `library` ("guild" or "apollo") over `subgraphs`."""
    done = subprocess.run(
        ["node", "compose.mjs", library],
        cwd=folder,
        input=json.dumps(subgraphs),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))

"""The npm packages of tests/federation/gateway/ (composition libraries, Hive Gateway), installed once into a
cache folder outside the repository; every test that needs them skips, saying why, where Node.js is absent."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "gateway"
SCRIPTS = ("compose.mjs", "gateway.config.mjs")


def installed() -> Path:
    """The folder holding node_modules and the scripts; skips the test where Node.js or npm is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed: federation composition and Hive Gateway cannot run here")
    manifest = (HERE / "package.json").read_bytes()
    folder = Path(tempfile.gettempdir()) / "cfhub-federation-gateway" / hashlib.sha256(manifest).hexdigest()[:12]
    if not (folder / "node_modules" / ".bin" / "hive-gateway").exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", folder / "package.json")
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.skip(f"npm could not install the gateway packages (no registry?): {done.stderr.strip()[:300]}")
    for name in SCRIPTS:
        shutil.copy(HERE / name, folder / name)
    return folder


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

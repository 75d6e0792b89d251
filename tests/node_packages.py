"""Outside tools from npm for the tests: a folder of pinned packages installed once per package.json (cached
under the system temp folder by the manifest's hash), with the test's scripts copied beside node_modules.

A test skips, saying why, where Node.js or npm is missing or the registry cannot be reached."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def installed(here: Path, name: str, marker: str, scripts: tuple[str, ...], timeout: int = 300) -> Path:
    """The folder with `here`'s package.json installed (done when `marker` exists under node_modules) and
    `scripts` copied from `here`; `name` names the cache folder and the tool in skip messages."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip(f"Node.js and npm are not installed: {name} cannot run here")
    manifest = (here / "package.json").read_bytes()
    folder = Path(tempfile.gettempdir()) / f"cfhub-{name}" / hashlib.sha256(manifest).hexdigest()[:12]
    if not (folder / "node_modules" / marker).exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(here / "package.json", folder / "package.json")
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            pytest.skip(f"npm could not install the packages of {name} (no registry?): {done.stderr.strip()[:300]}")
    for script in scripts:
        shutil.copy(here / script, folder / script)
    return folder

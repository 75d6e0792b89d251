"""The quick start, end to end: `cfhub serve --demo` in an empty folder answers over real HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cfhub_command() -> list[str]:
    exe = shutil.which("cfhub", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "hub"]


@pytest.fixture
def served_demo(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFHUB_")}
    if os.environ.get("CFHUB_TEST_DATABASE_URL"):
        pytest.skip("the quick start runs on the embedded SQLite default")
    proc = subprocess.Popen(
        [*cfhub_command(), "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # migrate, load the demo (decided and checked), build the schema
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"cfhub serve exited early:\n{proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("cfhub serve did not answer /health within 180 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
    assert (tmp_path / "cfhub.db").exists(), "the default database is an SQLite file in the working directory"


def test_quickstart_serves_all_key_products_over_http(served_demo: str) -> None:
    health = httpx.get(f"{served_demo}/health").json()
    assert health["status"] == "ok"
    reply = httpx.post(f"{served_demo}/graphql", json={"query": "{ productCategories { code } }"}, timeout=10)
    assert reply.status_code == 200
    codes = [c["code"] for c in reply.json()["data"]["productCategories"]]
    assert sorted(c for c in codes if c.startswith("KP-")) == [f"KP-{i:02d}" for i in range(1, 53)]
    assert sorted(c for c in codes if c.startswith("IND-")) == [f"IND-{i:02d}" for i in range(1, 20)]

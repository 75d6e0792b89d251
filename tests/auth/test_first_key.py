"""Workers that start together on an empty key folder agree on one first key (hub/auth/keys.py `_first`)."""

from __future__ import annotations

import fcntl
import multiprocessing
import time
from pathlib import Path
from typing import Any

from hub.auth.keys import LOCK, SUFFIX, KeyRing


def _first_kid(folder: str, ready: Any) -> str:
    ring = KeyRing(Path(folder))
    ready.put(True)
    return ring.current().kid


def test_workers_finding_no_key_wait_for_the_one_being_made(tmp_path: Path) -> None:
    """The test holds the folder's lock as a starting worker would while it writes the first key; four more
    workers start meanwhile. Each must wait and then use that key, not make one of its own."""
    folder = tmp_path / "token-signing"
    folder.mkdir()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(4) as pool, open(folder / LOCK, "a") as lock:
        ready = manager.Queue()
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = pool.starmap_async(_first_kid, [(str(tmp_path), ready)] * 4)
        for _ in range(4):
            ready.get(timeout=60)
        time.sleep(0.5)  # lets a worker that ignored the lock write its own key, which the asserts then find
        made = KeyRing(tmp_path).rotate()
        fcntl.flock(lock, fcntl.LOCK_UN)
        kids = results.get(timeout=60)
    assert [p.name for p in folder.iterdir() if p.name.endswith(SUFFIX)] == [f"{made.kid}{SUFFIX}"]
    assert kids == [made.kid] * 4

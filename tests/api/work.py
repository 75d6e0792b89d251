"""Counting work instead of timing it: the Python calls made inside given modules while a block runs.

A test that says "refused quickly" with a stopwatch fails on a busy machine and passes a slow algorithm on
a fast one; a count of calls says what the code did, the same on every machine.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.by_function: Counter[str] = Counter()


@contextmanager
def calls_into(*modules: ModuleType) -> Iterator[Calls]:
    """Count calls of functions defined in `modules` made on this thread (where the ASGI app runs)."""
    files = {m.__file__ for m in modules}
    calls = Calls()

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename in files:
            calls.count += 1
            calls.by_function[frame.f_code.co_name] += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)

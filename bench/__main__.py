"""Run every benchmark in bench/ (`python -m bench`), or the ones named (`python -m bench rules mapping`).

Each benchmark is a module `bench/<name>_bench.py` with a `main()`; each writes its own section of
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def available() -> list[str]:
    return sorted(p.stem.removesuffix("_bench") for p in Path(__file__).parent.glob("*_bench.py"))


def run(names: list[str]) -> None:
    unknown = sorted(set(names) - set(available()))
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(available())}")
    for name in names or available():
        print(f"== bench {name}", flush=True)
        sys.argv = [f"bench.{name}_bench"]  # each benchmark reads its own options; run them with defaults
        importlib.import_module(f"bench.{name}_bench").main()


if __name__ == "__main__":
    run(sys.argv[1:])

"""Reading and checking a 100,000-line import workbook against a bare python-calamine read of the same file.

    python -m bench.sheets_bench [--footprints 2000] [--lines 50] [--runs 3]

Writes a workbook in the import layout (2,000 footprints of 50 inventory lines each: 100,000 lines), then,
interleaved, `runs` times each: the baseline (python-calamine opens the file and walks every row of every
sheet) and the hub's `parse_file` (the same read, plus every cell converted and checked, rows grouped into
footprint inputs). Writes the medians, spreads and their ratio to docs/BENCHMARKS.md (section "sheets").
The database part of an import (the footprint service per footprint) is not in this figure.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from bench.report import write_section
from hub.sheets.importer import parse_file
from hub.sheets.layout import layout
from hub.units.registry import Units

FACTORS = [f"https://hub.example/id/factor/{i}" for i in range(20)]
UNITS = ["kWh", "kg", "MJ", "t", "m3"]
STAGES = ["raw_material_acquisition", "production", "distribution"]


def workbook(footprints: int, lines: int) -> bytes:
    book = Workbook(write_only=True)
    fp = book.create_sheet(f"{layout().footprints.zh} footprints")
    fp.append([c.header for c in layout().footprints.columns])
    inv = book.create_sheet(f"{layout().inventory.zh} inventory")
    inv.append([c.header for c in layout().inventory.columns])
    for i in range(footprints):
        ref = f"FP-{i:05d}"
        fp.append(
            [
                ref,
                f"https://hub.example/id/product/{i}",
                "kg",
                1,
                1.5,
                "cradle_to_gate",
                "2024-01-01",
                "2024-12-31",
                "CN",
                "AR6",
                "GB/T 24067-2024",
                0,
                0,
                None,
            ]
        )
        for j in range(lines):
            k = i * lines + j
            inv.append([ref, STAGES[k % 3], f"activity {k}", 1.0 + k % 97, UNITS[k % 5], FACTORS[k % 20], None, 10])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bare(body: bytes) -> int:
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    rows = 0
    for name in book.sheet_names:
        for _ in book.get_sheet_by_name(name).iter_rows():
            rows += 1
    return rows


def timed(run: Callable[[], Any]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--footprints", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    body = workbook(args.footprints, args.lines)
    codes = {
        "unit": frozenset(Units().names),
        "stage": frozenset([*STAGES, "use", "end_of_life"]),
        "boundary": frozenset({"cradle_to_gate", "cradle_to_grave", "gate_to_gate"}),
    }
    planned = parse_file(body, codes)
    assert len(planned) == args.footprints and sum(len(p.line_rows) for p in planned) == args.footprints * args.lines
    base, ours = [], []
    for _ in range(args.runs):
        base.append(timed(lambda: bare(body)))
        ours.append(timed(lambda: parse_file(body, codes)))
    mb, mo = statistics.median(base), statistics.median(ours)
    lines = args.footprints * args.lines
    row_base = f"{mb:.2f} | {min(base):.2f}-{max(base):.2f} | {mb / lines * 1e6:.1f} | 1.00x"
    row_ours = f"{mo:.2f} | {min(ours):.2f}-{max(ours):.2f} | {mo / lines * 1e6:.1f} | {mo / mb:.2f}x"
    report = f"""## Bulk import: reading and checking a {lines:,}-line workbook (`python -m bench.sheets_bench`)

A {len(body) / 1e6:.1f} MB .xlsx in the import layout: {args.footprints:,} footprints of {args.lines} inventory lines.

| way | median (s) | spread min-max (s) | per line (µs) | vs bare calamine |
|---|---:|---:|---:|---:|
| bare python-calamine: open, walk every row (baseline) | {row_base} |
| hub `parse_file`: guard scan, read, convert and check every cell, group | {row_ours} |

- Ratio **{mo / mb:.2f}x** (aim <= 3x). {args.runs} interleaved runs each, cyclic GC paused while timed.
- The hub's figure includes the guard (hub/sheets/guard.py: the zip directory and a regex scan of every
  sheet's row and column references, so that a huge grid is refused before calamine builds it).
- Not in this figure: the database part of an import (each footprint through the footprint service and its
  accounting, in one unit of work), which the accounting benchmark measures on its own.
"""
    print(report)
    write_section("sheets", report)


if __name__ == "__main__":
    main()

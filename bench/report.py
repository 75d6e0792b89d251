"""Writes one benchmark's section of docs/BENCHMARKS.md, leaving the other benchmarks' sections alone.

Each benchmark owns the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; a run replaces
only its own section (appending it the first time), so benchmarks can run separately or together.
"""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\n"
    "Written by the scripts in `bench/` (run them all with `python -m bench`); each section is replaced by\n"
    "its own script. Figures are ratios against a baseline measured in the same run, because these\n"
    "machines are noisy; absolute times are given for orientation only.\n"
)


def machine_line() -> str:
    return f"_Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}._"


def write_section(name: str, markdown: str, report: Path = REPORT) -> Path:
    """Replace (or add) the section `name` of the report with `markdown`."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n\n{machine_line()}\n{end}"
    text = report.read_text(encoding="utf-8") if report.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
    return report

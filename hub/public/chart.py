"""The geometry of a category's benchmark chart: a histogram of footprints per declared unit, with the grade
thresholds of the label rule set drawn across it. Numbers only: the template (templates/category.html) draws
the SVG, so every text in it is escaped like the rest of the page, and no JavaScript is needed.

The percentiles are the ones the rules engine grades against (rules_engine/benchmarks.py), so the lines on the
chart are where the grades really change for this group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rules_engine.benchmarks import benchmark_facts

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 36, 40, 56  # room for the axis labels and the grade letters
MIN_BINS, MAX_BINS = 6, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    low: float
    high: float


@dataclass(frozen=True)
class Mark:
    """A grade threshold: the line at percentile `percentile` (value `value`), the grade `grade` up to it."""

    x: float
    grade: str
    percentile: str
    value: float


@dataclass(frozen=True)
class Band:
    """Where a grade's letter is written: the middle of its stretch of the axis."""

    x: float
    grade: str


@dataclass(frozen=True)
class Tick:
    at: float
    value: float


@dataclass(frozen=True)
class Chart:
    unit: str
    n: int
    low: float
    high: float
    bars: list[Bar]
    marks: list[Mark]
    bands: list[Band]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _scale(low: float, high: float) -> tuple[float, float]:
    """The axis's ends: the values' range, widened when every value is the same."""
    if high > low:
        return low, high
    pad = abs(low) * 0.05 or 1.0
    return low - pad, high + pad


def histogram(values: Sequence[float], thresholds: Sequence[tuple[str, str | None]], unit: str) -> Chart:
    """The chart of `values` (kgCO2e per one `unit`); `thresholds` are (grade, percentile it goes up to, e.g.
    "p10"), the last grade's percentile None (above the last line)."""
    data = np.asarray(values, dtype=np.float64)
    low, high = _scale(float(data.min()), float(data.max()))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(value: float) -> float:
        return round(LEFT + (value - low) / (high - low) * plot_width, 2)

    bins = int(min(MAX_BINS, max(MIN_BINS, np.ceil(2 * np.cbrt(data.size)))))  # Rice's rule, within bounds
    counts, edges = np.histogram(data, bins=bins, range=(low, high))
    top_count = int(counts.max())
    bars = []
    for count, left_edge, right_edge in zip(counts.tolist(), edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        height = round(count / top_count * plot_height, 2)
        x0, x1 = x_of(left_edge), x_of(right_edge)
        bars.append(Bar(x0 + 1, TOP + plot_height - height, max(x1 - x0 - 2, 1), height, count, left_edge, right_edge))
    facts = benchmark_facts(data)
    marks = [Mark(x_of(facts[p]), grade, p, facts[p]) for grade, p in thresholds if p is not None and p in facts]
    stops = [LEFT, *(m.x for m in marks), WIDTH - RIGHT]
    bands = [Band(round((a + b) / 2, 2), grade) for (grade, _), a, b in zip(thresholds, stops, stops[1:], strict=False)]
    x_ticks = [Tick(x_of(v), v) for v in np.linspace(low, high, 5).tolist()]
    y_ticks = [Tick(round(TOP + plot_height - c / top_count * plot_height, 2), c) for c in _counts(top_count)]
    return Chart(unit, int(data.size), low, high, bars, marks, bands, x_ticks, y_ticks)


def _counts(top: int) -> list[int]:
    """Whole-number ticks from 0 to the tallest bar, at most five."""
    step = max(1, int(np.ceil(top / 4)))
    return list(range(0, top + 1, step))

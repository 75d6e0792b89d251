"""Accounting as array arithmetic: the inventory lines of many footprints in columns, summed with numpy.

No I/O and no database: hub/services/accounting.py loads the factors and supplier footprints and builds the
table; this module only multiplies and sums. One footprint is a table with one footprint in it, so the demo,
an enterprise's submission and the benchmark (bench/bench_accounting.py) all go through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hub.domain.codes import LifeCycleStage

STAGES: tuple[str, ...] = tuple(stage.value for stage in LifeCycleStage)
# The parts of a footprint's emissions (PACT v3): fossil, biogenic (non-CO2, excluding uptake), land-use change.
PARTS = ("fossil", "biogenic", "land_use_change")

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LineTable:
    """Inventory lines in columns. Lines of one footprint need not be contiguous."""

    footprint: Ints  # which footprint (0 .. footprints-1) each line belongs to
    stage: Ints  # index into STAGES
    amount: Floats  # in the line's own unit
    conversion: Floats  # one line unit in its source's unit (pint, hub/units)
    per_unit: Floats  # (lines, 3): kgCO2e per source unit, by part (PARTS)
    footprints: int


@dataclass(frozen=True)
class Accounts:
    """What the table adds up to: per line, per footprint and stage, and per footprint and part."""

    lines: Floats  # (lines,) kgCO2e
    stages: Floats  # (footprints, len(STAGES)) kgCO2e
    parts: Floats  # (footprints, len(PARTS)) kgCO2e

    @property
    def totals(self) -> Floats:
        """Per footprint, excluding biogenic uptake: fossil + biogenic + land-use change."""
        return self.parts.sum(axis=1)


def account(table: LineTable) -> Accounts:
    """Each line is amount x conversion x per-unit value; stages and parts are sums of lines.

    A product beyond a double comes out as infinity (no warning): the caller refuses it, naming the line."""
    n_stages = len(STAGES)
    with np.errstate(over="ignore", invalid="ignore"):
        used = table.amount * table.conversion
        line_parts = used[:, None] * table.per_unit
        lines = line_parts.sum(axis=1)
        cells = table.footprint * n_stages + table.stage
        stages = np.bincount(cells, weights=lines, minlength=table.footprints * n_stages)
        parts = np.stack(
            [np.bincount(table.footprint, weights=line_parts[:, k], minlength=table.footprints) for k in range(3)],
            axis=1,
        )
    stages_by_footprint = stages.astype(np.float64, copy=False).reshape(table.footprints, n_stages)
    return Accounts(lines=lines, stages=stages_by_footprint, parts=parts.astype(np.float64, copy=False))

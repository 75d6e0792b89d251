"""Category benchmarks: the percentiles of the published footprints of one category, declared unit and
reference year, as the `benchmark.*` facts the rules read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

PERCENTILES = (10, 25, 50, 75, 90)


def benchmark_facts(totals: Any) -> dict[str, Any]:
    """{"p10": .., "p25": .., "p50": .., "p75": .., "p90": .., "n": ..} of the finite totals given
    (linear interpolation between order statistics, numpy's default). With no totals, only n = 0:
    the percentiles are then missing inputs, and rules that need them say so."""
    values = np.asarray(totals, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"n": 0}
    points = np.percentile(values, PERCENTILES)
    out: dict[str, Any] = {f"p{p}": float(v) for p, v in zip(PERCENTILES, points, strict=True)}
    out["n"] = int(values.size)
    return out


def benchmarks_by_group(keys: Sequence[tuple[Any, ...]], totals: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Benchmark facts per group key, e.g. (category_code, declared_unit, reference_year)."""
    values = np.asarray(totals, dtype=np.float64)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(tuple(key), []).append(index)
    return {key: benchmark_facts(values[rows]) for key, rows in groups.items()}

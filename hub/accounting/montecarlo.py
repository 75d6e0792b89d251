"""Monte Carlo propagation of uncertainty through a footprint's inventory, vectorised over lines and draws.

Each line's contribution is lognormal with its computed value as the median and the sigma of its source
(a factor's uncertainty percentage or pedigree rating, a supplier footprint's own interval); lines are drawn
independently. The draws of one footprint come from one generator seeded with the recorded seed, so the
same inventory, draw count and seed give the same interval, whatever else is computed alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hub.accounting.table import Floats


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float  # 2.5th percentile
    high: float  # 97.5th percentile
    draws: int
    seed: int


def simulate(lines: Floats, sigma: Floats, draws: int, seed: int) -> Interval:
    """The mean and 95 % interval of the sum of `lines` (kgCO2e) drawn lognormally with `sigma`."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, lines.size))
    totals = (np.exp(z * sigma) * lines).sum(axis=1)
    low, high = np.percentile(totals, [2.5, 97.5])
    return Interval(mean=float(totals.mean()), low=float(low), high=float(high), draws=draws, seed=seed)


def sigma_of_interval(median: float, high: float | None) -> float | None:
    """The lognormal sigma a stored interval implies (97.5th percentile over the median), if it has one."""
    if high is None or median <= 0 or high <= median:
        return None
    return float(np.log(high / median) / 1.96)

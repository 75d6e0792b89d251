"""Monte Carlo propagation of uncertainty through a footprint's inventory, vectorised over lines and draws.

Each line's contribution is lognormal with its computed value as the median. Its spread has two parts:
its source's (a factor's uncertainty percentage or pedigree rating, a supplier footprint's own interval) and
its own activity amount's. The source part is drawn ONCE per distinct source and draw, and that one sample is
broadcast to every line citing the source: two lines citing one grid factor are wrong together, not each on
its own (drawing them independently understated the spread). The amount part stays independent per line.
With perfect correlation the log-spreads of a shared source add linearly across its lines' contributions
instead of in quadrature.

The draws of one footprint come from one generator seeded with the recorded seed: first a (draws, sources)
block for the sources, then a (draws, lines) block for the amounts (skipped when no line states an amount
uncertainty), so the same inventory, draw count and seed give the same interval, whatever else is computed
alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hub.accounting.table import Floats, Ints


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float  # 2.5th percentile
    high: float  # 97.5th percentile
    draws: int
    seed: int


@dataclass(frozen=True)
class Spread:
    """Where each line's uncertainty comes from: its source, shared by the lines citing it, and its own amount."""

    source: Ints  # per line: index of its distinct source (factor or supplier footprint)
    source_sigma: Floats  # per distinct source: lognormal sigma of its per-unit value
    line_sigma: Floats  # per line: lognormal sigma of its activity amount

    @classmethod
    def independent(cls, sigma: Floats) -> Spread:
        """Every line its own source and no amount uncertainty: lines drawn independently."""
        n = sigma.size
        return cls(source=np.arange(n, dtype=np.int64), source_sigma=sigma, line_sigma=np.zeros(n))

    @property
    def combined(self) -> Floats:
        """Each line's own lognormal sigma (source and amount are independent: in quadrature)."""
        return np.hypot(self.source_sigma[self.source], self.line_sigma)


def simulate(lines: Floats, spread: Spread, draws: int, seed: int) -> Interval:
    """The mean and 95 % interval of the sum of `lines` (kgCO2e), each line's source drawn once per draw."""
    rng = np.random.default_rng(seed)
    log = rng.standard_normal((draws, spread.source_sigma.size))[:, spread.source] * spread.source_sigma[spread.source]
    if spread.line_sigma.any():
        log += rng.standard_normal((draws, lines.size)) * spread.line_sigma
    totals = (np.exp(log) * lines).sum(axis=1)
    low, high = np.percentile(totals, [2.5, 97.5])
    return Interval(mean=float(totals.mean()), low=float(low), high=float(high), draws=draws, seed=seed)


def sigma_of_interval(median: float, high: float | None) -> float | None:
    """The lognormal sigma a stored interval implies (97.5th percentile over the median), if it has one."""
    if high is None or median <= 0 or high <= median:
        return None
    return float(np.log(high / median) / 1.96)

"""Correlated Monte Carlo: lines citing one factor draw the same factor sample in each draw (issue 14 item 3)."""

from __future__ import annotations

import numpy as np
import pytest

from hub.accounting.montecarlo import Spread, simulate
from hub.accounting.reconcile import Source, compute
from hub.units import Units

SIGMA = 0.05  # small, so that a sum of lognormals is close to normal and the quadrature relation is sharp
DRAWS = 20_000


def _half_width(lines: np.ndarray, spread: Spread) -> float:
    """Half the 95 % interval, relative to the sum of the medians."""
    result = simulate(lines, spread, DRAWS, 11)
    return (result.high - result.low) / 2 / float(lines.sum())


def test_two_lines_citing_one_factor_spread_wider_than_two_independent_factors_of_the_same_spread() -> None:
    lines = np.array([5.0, 5.0])
    shared = Spread(source=np.array([0, 0]), source_sigma=np.array([SIGMA]), line_sigma=np.zeros(2))
    independent = Spread(source=np.array([0, 1]), source_sigma=np.array([SIGMA, SIGMA]), line_sigma=np.zeros(2))
    one_factor, two_factors = _half_width(lines, shared), _half_width(lines, independent)
    # one shared sample: the sum is 10 x exp(sigma Z), so its percentiles are exactly those of one lognormal
    assert one_factor == pytest.approx(np.sinh(1.96 * SIGMA), rel=0.03)
    # the spreads add linearly (5 s + 5 s), not in quadrature (sqrt(2) x 5 s): a ratio of sqrt(2)
    assert one_factor / two_factors == pytest.approx(np.sqrt(2), rel=0.03)


def test_amount_uncertainty_stays_independent_per_line() -> None:
    lines = np.array([5.0, 5.0])
    by_amount = Spread(source=np.array([0, 0]), source_sigma=np.array([0.0]), line_sigma=np.array([SIGMA, SIGMA]))
    by_factor = Spread(source=np.array([0, 0]), source_sigma=np.array([SIGMA]), line_sigma=np.zeros(2))
    assert _half_width(lines, by_factor) / _half_width(lines, by_amount) == pytest.approx(np.sqrt(2), rel=0.03)


def test_compute_gives_lines_citing_one_factor_one_source_and_the_draws_reproduce() -> None:
    grid = Source("urn:f:grid", "factor", "kWh", (0.6, 0.0, 0.0), SIGMA, "AR6")
    steel = Source("urn:f:steel", "factor", "kg", (2.0, 0.0, 0.0), 0.2, "AR6")
    line = {"stage": "production", "unit": "kWh", "emission_factor_iri": "urn:f:grid"}
    lines = [
        line | {"amount": 10},
        {"stage": "raw_material_acquisition", "amount": 3, "unit": "kg", "emission_factor_iri": "urn:f:steel"},
        line | {"amount": 4, "stage": "distribution", "uncertainty_percent": 10},
    ]
    computed, errors = compute(lines, {"urn:f:grid": grid, "urn:f:steel": steel}, Units())
    assert errors == [] and computed is not None
    assert computed.spread.source.tolist() == [0, 1, 0]
    assert computed.spread.source_sigma.tolist() == pytest.approx([SIGMA, 0.2])
    assert computed.spread.line_sigma.tolist() == pytest.approx([0.0, 0.0, np.log(1.1) / 1.96])
    first = simulate(computed.accounts.lines, computed.spread, 500, 4)
    assert first == simulate(computed.accounts.lines, computed.spread, 500, 4)
    assert first != simulate(computed.accounts.lines, computed.spread, 501, 4)

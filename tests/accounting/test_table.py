"""Accounting arithmetic without a database: lines, stages and parts; Monte Carlo reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest

from hub.accounting.montecarlo import Spread, sigma_of_interval, simulate
from hub.accounting.reconcile import Source, compute, reconcile
from hub.accounting.settings import load_settings
from hub.accounting.table import STAGES, LineTable, account
from hub.units import Units

GRID = Source("urn:f:grid", "factor", "kWh", (0.6, 0.0, 0.0), 0.05, "AR6")
COTTON = Source("urn:f:cotton", "factor", "kg", (2.0, 0.5, 1.5), 0.1, "AR6")


def test_lines_stages_and_parts_are_sums_over_many_footprints() -> None:
    table = LineTable(
        footprint=np.array([0, 1, 0, 1]),
        stage=np.array([1, 1, 0, 4]),
        amount=np.array([10.0, 2.0, 3.0, 1.0]),
        conversion=np.array([1.0, 1000.0, 1.0, 1.0]),
        per_unit=np.array([[1.0, 0, 0], [0.001, 0.001, 0], [2.0, 0, 1.0], [0.5, 0, 0]]),
        footprints=2,
    )
    result = account(table)
    assert result.lines.tolist() == [10.0, 4.0, 9.0, 0.5]
    assert result.stages[0].tolist() == [9.0, 10.0, 0, 0, 0]
    assert result.stages[1].tolist() == [0, 4.0, 0, 0, 0.5]
    assert result.parts.tolist() == [[16.0, 0.0, 3.0], [2.5, 2.0, 0.0]]
    assert result.totals.tolist() == [19.0, 4.5]


def test_a_line_in_tonnes_meets_a_factor_per_kg_through_the_unit_registry() -> None:
    lines = [{"stage": "raw_material_acquisition", "amount": 0.002, "unit": "t", "emission_factor_iri": "urn:f:cotton"}]
    computed, errors = compute(lines, {"urn:f:cotton": COTTON}, Units())
    assert errors == [] and computed is not None
    assert computed.lines == pytest.approx([8.0])
    assert (computed.part("fossil"), computed.part("biogenic"), computed.part("land_use_change")) == pytest.approx(
        (4.0, 1.0, 3.0)
    )
    assert computed.stages() == pytest.approx({"raw_material_acquisition": 8.0})


def test_stated_figures_within_tolerance_are_replaced_by_the_computed_ones() -> None:
    lines = [
        {"stage": "production", "amount": 10, "unit": "kWh", "emission_factor_iri": "urn:f:grid", "kgco2e": 6.0001}
    ]
    computed, _ = compute(lines, {"urn:f:grid": GRID}, Units())
    assert computed is not None
    data = {"inventory": lines, "total_kgco2e": 6.0, "biogenic_uptake_kgco2e": -1.0}
    out, errors = reconcile(data, computed, Units(), load_settings())
    assert errors == []
    assert out["inventory"][0]["kgco2e"] == pytest.approx(6.0) and out["stages"] == [
        {"stage": "production", "kgco2e": 6.0}
    ]
    assert out["total_including_biogenic_uptake_kgco2e"] == pytest.approx(5.0)


def test_monte_carlo_is_reproducible_from_draws_and_seed_and_brackets_the_value() -> None:
    lines, sigma = np.array([6.0, 8.0, 1.0]), np.array([0.05, 0.2, 0.5])
    spread = Spread.independent(sigma)
    first, again = simulate(lines, spread, 2000, 7), simulate(lines, spread, 2000, 7)
    assert first == again
    assert first.low < 15.0 < first.high and first.low < first.mean < first.high
    assert simulate(lines, spread, 2000, 8) != first


def test_without_uncertainty_the_interval_is_the_value() -> None:
    result = simulate(np.array([2.0, 3.0]), Spread.independent(np.zeros(2)), 100, 1)
    assert (result.low, result.mean, result.high) == pytest.approx((5.0, 5.0, 5.0))


def test_sigma_from_percentage_rating_and_interval() -> None:
    settings = load_settings()
    assert settings.sigma(37, None) == pytest.approx(np.log(1.37) / 1.96)
    assert settings.sigma(None, 1.4) == pytest.approx(np.log(1.05) / 1.96)
    assert settings.sigma(None, None) == pytest.approx(np.log(2.0) / 1.96)  # no quality stated: the worst
    assert sigma_of_interval(10.0, 10.0 * np.exp(0.196)) == pytest.approx(0.1)
    assert len(STAGES) == 5


def test_an_amount_uncertainty_adds_to_the_factor_uncertainty_in_quadrature() -> None:
    line = {"stage": "production", "amount": 10, "unit": "kWh", "emission_factor_iri": "urn:f:grid"}
    plain, _ = compute([line], {"urn:f:grid": GRID}, Units())
    metered, _ = compute([line | {"uncertainty_percent": 20}], {"urn:f:grid": GRID}, Units())
    assert plain is not None and metered is not None
    assert plain.sigma.tolist() == pytest.approx([0.05])
    assert metered.sigma.tolist() == pytest.approx([np.hypot(0.05, np.log(1.2) / 1.96)])
    wide, narrow = (
        simulate(metered.accounts.lines, metered.spread, 4000, 3),
        simulate(plain.accounts.lines, plain.spread, 4000, 3),
    )
    assert wide.high - wide.low > narrow.high - narrow.low

"""The hub's unit registry: only the code list's units, converted within their dimension, named when they do not fit."""

from __future__ import annotations

import numpy as np
import pytest

from hub.units import UnitMismatch, Units


@pytest.fixture(scope="module")
def units() -> Units:
    return Units()


@pytest.mark.parametrize(
    ("unit", "wanted", "factor"),
    [
        ("t", "kg", 1000.0),
        ("g", "kg", 0.001),
        ("kWh", "MJ", 3.6),
        ("MWh", "kWh", 1000.0),
        ("GJ", "MJ", 1000.0),
        ("L", "m3", 0.001),
        ("tCO2e", "kgCO2e", 1000.0),
        ("tkm", "tkm", 1.0),
        ("piece", "piece", 1.0),
    ],
)
def test_units_convert_within_their_dimension(units: Units, unit: str, wanted: str, factor: float) -> None:
    assert units.factor(unit, wanted) == pytest.approx(factor, rel=1e-12)


def test_a_mass_is_no_energy_and_the_error_lists_the_units_that_fit(units: Units) -> None:
    with pytest.raises(UnitMismatch) as caught:
        units.factor("t", "kWh")
    assert str(caught.value) == "t cannot be converted to kWh; units that fit: kWh, MWh, MJ, GJ"


@pytest.mark.parametrize(("unit", "wanted"), [("tkm", "kg"), ("kgCO2e", "kg"), ("piece", "kg"), ("km", "tkm")])
def test_nothing_is_inferred_across_dimensions(units: Units, unit: str, wanted: str) -> None:
    """A tonne-kilometre is transport work, a kgCO2e an emission, a piece a count: none of them is a mass."""
    with pytest.raises(UnitMismatch):
        units.factor(unit, wanted)


@pytest.mark.parametrize("unknown", ["lb", "kilogram", "m", "kg*2", "__import__", ""])
def test_units_outside_the_code_list_are_unknown_even_when_pint_knows_them(units: Units, unknown: str) -> None:
    with pytest.raises(UnitMismatch) as caught:
        units.factor(unknown, "kg")
    assert caught.value.fitting == ("kg", "t", "g")


def test_each_hub_has_its_own_registry() -> None:
    """No process-wide registry: quantities of one hub's registry are not another's."""
    a, b = Units(), Units()
    assert a.registry is not b.registry
    assert a.factor("t", "kg") == b.factor("t", "kg")


def test_many_lines_convert_at_once_by_unit_code(units: Units) -> None:
    codes = [units.code(u) for u in ("t", "kWh", "L")]
    wanted = [units.code(u) for u in ("kg", "MJ", "m3")]
    assert units.factors(np.array(codes), np.array(wanted)).tolist() == pytest.approx([1000.0, 3.6, 0.001])
    with pytest.raises(UnitMismatch, match="t cannot be converted to kWh"):
        units.factors(np.array([units.code("kg"), units.code("t")]), np.array([units.code("kg"), units.code("kWh")]))

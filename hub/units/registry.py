"""A pint unit registry holding exactly the units of `schema/codelists/units.yaml`, and nothing inferred.

pint's default registry knows thousands of units and would happily read "t" as a tonne in one place and
a unit prefix in another, or "kgCO2e" as kilogram x CO2e. cfhub defines every unit it accepts itself: each
dimension of the code list (mass, energy, volume, area, transport work, count, emission ...) becomes a base
dimension of its own, with its base unit, and every other unit is that base unit times the code list's
factor. A tonne-kilometre is a unit of transport work, a piece a unit of count, and a kilogram CO2e a unit
of emission: none of them converts into another dimension, so a line of 1 t cannot meet a factor per kWh.

The registry lives on the `Hub` (hub/bootstrap.py) and reaches services through `Session.info`, like the
clock: pint keeps no process-wide state for a registry built with `UnitRegistry(None)`, so two hubs in one
process each have their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pint
import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.resources import data_dir

UNITS_KEY = "cfhub.units"


@dataclass(frozen=True)
class UnitMismatch(ValueError):
    """`unit` cannot be converted to `wanted`; `fitting` are the code list's units that could be."""

    unit: str
    wanted: str
    fitting: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.unit} cannot be converted to {self.wanted}; units that fit: {', '.join(self.fitting) or 'none'}"


def codelist_path() -> Path:
    return data_dir("schema") / "codelists" / "units.yaml"


class Units:
    """The units of one hub: conversion factors between them, and the units that fit where one does not."""

    def __init__(self, codelist: Mapping[str, Any] | None = None) -> None:
        data = codelist if codelist is not None else yaml.safe_load(codelist_path().read_text(encoding="utf-8"))
        self.registry: pint.UnitRegistry = pint.UnitRegistry(None, on_redefinition="raise", cache_folder=None)
        self.dimension_of: dict[str, str] = {}
        for dimension, spec in data["dimensions"].items():
            self.registry.define(f"{spec['base']} = [{dimension}]")
        bases = {spec["base"] for spec in data["dimensions"].values()}
        for name, spec in data["units"].items():
            if name not in bases:
                base = data["dimensions"][spec["dimension"]]["base"]
                self.registry.define(f"{name} = {float(spec['factor'])!r} * {base}")
            self.dimension_of[name] = spec["dimension"]
        self._factors: dict[tuple[str, str], float] = {}
        self._matrix: npt.NDArray[np.float64] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.dimension_of)

    def fitting(self, unit: str) -> tuple[str, ...]:
        """The units of the same dimension as `unit` (every unit, when `unit` is not one of ours)."""
        dimension = self.dimension_of.get(unit)
        return tuple(name for name, dim in self.dimension_of.items() if dimension is None or dim == dimension)

    def factor(self, unit: str, wanted: str) -> float:
        """What one `unit` is in `wanted`; raises `UnitMismatch` when they measure different things."""
        key = (unit, wanted)
        found = self._factors.get(key)
        if found is None:
            if unit not in self.dimension_of:
                raise UnitMismatch(unit, wanted, self.fitting(wanted))
            if wanted not in self.dimension_of:
                raise UnitMismatch(unit, wanted, ())
            try:
                found = float(self.registry.Quantity(1.0, unit).to(wanted).magnitude)
            except pint.DimensionalityError:
                raise UnitMismatch(unit, wanted, self.fitting(wanted)) from None
            self._factors[key] = found
        return found

    def code(self, unit: str) -> int:
        """The unit's position in `names`: inventory columns hold units as these small integers."""
        try:
            return self.names.index(unit)
        except ValueError:
            raise UnitMismatch(unit, unit, self.names) from None

    @property
    def matrix(self) -> npt.NDArray[np.float64]:
        """matrix[i, j]: what one `names[i]` is in `names[j]`; NaN across dimensions. Built once per registry."""
        if self._matrix is None:
            n = len(self.names)
            self._matrix = np.full((n, n), np.nan)
            for i, unit in enumerate(self.names):
                for j, wanted in enumerate(self.names):
                    if self.dimension_of[unit] == self.dimension_of[wanted]:
                        self._matrix[i, j] = self.factor(unit, wanted)
        return self._matrix

    def factors(self, units: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """`factor` for many lines at once, units given as codes; raises `UnitMismatch` for the first pair that
        does not convert, naming it."""
        found = self.matrix[units, wanted]
        bad = np.flatnonzero(np.isnan(found))
        if bad.size:
            self.factor(self.names[int(units[bad[0]])], self.names[int(wanted[bad[0]])])
        return found

    def convert(self, amount: float, unit: str, wanted: str) -> float:
        return amount * self.factor(unit, wanted)


def units_of(session: AsyncSession) -> Units:
    """The units of the hub whose sessionmaker made `session`; a session made elsewhere gets its own registry."""
    found = session.info.get(UNITS_KEY)
    if not isinstance(found, Units):
        found = session.info[UNITS_KEY] = Units()
    return found


def units_of_maker(sessions: async_sessionmaker[AsyncSession]) -> Units:
    """The units of the hub whose sessionmaker this is (for readers that hold the maker, not a session)."""
    found = sessions.kw.get("info", {}).get(UNITS_KEY)
    if not isinstance(found, Units):
        found = Units()
        sessions.configure(info={**sessions.kw.get("info", {}), UNITS_KEY: found})
    return found

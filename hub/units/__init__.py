"""The hub's units of measurement: one pint registry per hub, defined from schema/codelists/units.yaml."""

from hub.units.registry import UNITS_KEY, UnitMismatch, Units, units_of, units_of_maker

__all__ = ["UNITS_KEY", "UnitMismatch", "Units", "units_of", "units_of_maker"]

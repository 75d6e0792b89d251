"""Grades and benchmarks compare the same quantity: kgCO2e per one of the category's declared unit.

A footprint's total refers to its whole `declared_unit_amount` of its `declared_unit` (PACT: 866.9 kgCO2e per
1000 kg of clinker). Before a rule set reads it or a benchmark groups it, it is converted once, here, to one
of the category's declared unit (schema/codelists/category-declared-units.yaml) with the hub's pint
registry: 866.9 per 1000 kg becomes 866.9 per t, graded by KP-28's rules and grouped with the other clinker.
A footprint whose unit does not convert (a clinker declared per m3) keeps its own unit, per one of it: the
category's rules then say it is not in the unit they grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml

from hub.resources import data_dir
from hub.units import UnitMismatch, Units


@cache
def category_units() -> dict[str, str]:
    """Key product code -> declared unit: constant data of this installation, read once."""
    path = data_dir("schema") / "codelists" / "category-declared-units.yaml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8"))["units"])


def per_category_unit(
    units: Units, category_code: str | None, declared_unit: str, amount: float, total: float
) -> tuple[float, str]:
    """(kgCO2e per one category unit, that unit); per one declared unit where the category names none or it
    does not convert."""
    per_declared = total / amount
    wanted = category_units().get(category_code or "")
    if wanted is None or wanted == declared_unit:
        return per_declared, declared_unit
    try:
        return per_declared * units.factor(wanted, declared_unit), wanted
    except UnitMismatch:
        return per_declared, declared_unit


def normalised_document(units: Units, doc: Mapping[str, Any]) -> dict[str, Any]:
    """A footprint document (hub/exchange/documents.py) with its total per one category unit."""
    category = (doc.get("product") or {}).get("category_code")
    total, unit = per_category_unit(
        units, category, doc["declared_unit"], doc["declared_unit_amount"], doc["total_kgco2e"]
    )
    return {**doc, "total_kgco2e": total, "declared_unit": unit, "declared_unit_amount": 1}

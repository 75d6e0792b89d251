"""Category benchmarks: statistics per key product and declared unit over published footprints only, each
product counted once (its newest published footprint) and only when an accredited body verified it
(hub/queries/current.py `benchmarked`).

A benchmark is a published statistic: whatever the caller's role, it is computed from published
footprints and nothing else, and the policy decides which of its fields the role may read. A group too
small to hide its members (the policy's `minimum_group`: a statistic over one footprint is that footprint)
is withheld: its count and statistics are null and `withheld` says why, never an approximate value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select

from hub.accounting.normalise import per_category_unit
from hub.db.models import Footprint, Product, ProductCategory
from hub.queries.current import benchmarked
from hub.queries.reader import Reader
from hub.queries.records import Record
from hub.units import Units, units_of_maker

STATISTICS = ("footprint_count", "min_kgco2e", "mean_kgco2e", "max_kgco2e")
# (category id, declared unit) -> (factor to one of the category's unit, that unit)
Conversions = dict[tuple[int, str], tuple[float, str]]


def _reason(footprints: int, enterprises: int) -> str:
    return f"fewer than {footprints} published footprints of {enterprises} enterprises: too few to show"


def _benchmarked(columns: list[Any], category_code: str | None) -> Select[Any]:
    stmt: Select[Any] = (
        select(*columns)
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .where(benchmarked())
    )
    return stmt if category_code is None else stmt.where(ProductCategory.code == category_code)


async def _conversions(reader: Reader, units: Units, category_code: str | None) -> Conversions:
    """Each (category, declared unit) the benchmarked footprints use, with its factor to the category's unit
    (hub/accounting/normalise.py, pint): a few dozen pairs, read with one GROUP BY."""
    columns = [Product.category_id, ProductCategory.code, Footprint.declared_unit]
    pairs = [tuple(row) for row in await reader.execute(_benchmarked(columns, category_code).group_by(*columns))]
    return {(cat, unit): per_category_unit(units, code, unit, 1.0, 1.0) for cat, code, unit in pairs}


def _converted(conversions: Conversions) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SQL for (kgCO2e per one category unit, that unit) of a footprint row, from the conversions."""
    keys = [and_(Product.category_id == cat, Footprint.declared_unit == unit) for cat, unit in conversions]
    factor = case(*((k, literal(f)) for k, (f, _) in zip(keys, conversions.values(), strict=True)), else_=None)
    unit = case(*((k, literal(u)) for k, (_, u) in zip(keys, conversions.values(), strict=True)), else_=None)
    return Footprint.total_kgco2e / Footprint.declared_unit_amount * factor, unit


async def category_benchmarks(reader: Reader, category_code: str | None = None) -> list[Record]:
    """Aggregated in SQL (count, min, mean, max and distinct owners per category and unit): the database sends
    one row per group, not every benchmarked footprint."""
    access = await reader.access()
    if not access.grants("CategoryBenchmark"):
        return []
    readable = access.readable_fields("CategoryBenchmark")
    conversions = await _conversions(reader, units_of_maker(reader.sessions), category_code)
    if not conversions:
        return []
    value, unit = _converted(conversions)
    stmt = _benchmarked(
        [
            Product.category_id,
            unit.label("unit"),
            func.count(),
            func.min(value),
            func.avg(value),
            func.max(value),
            func.count(Product.owner_id.distinct()),
        ],
        category_code,
    ).group_by(Product.category_id, unit)
    group = access.policy.minimum_group
    out: list[Record] = []
    rows = sorted(tuple(row) for row in await reader.execute(stmt))
    for category_id, normal_unit, n, low, mean, high, enterprises in rows:
        values: dict[str, Any] = {
            "category": category_id,
            "declared_unit": normal_unit,
            "footprint_count": n,
            "min_kgco2e": float(low),
            "mean_kgco2e": float(mean),
            "max_kgco2e": float(high),
            "withheld": None,
        }
        if not group.met(access.role, n, enterprises):
            values.update(dict.fromkeys(STATISTICS), withheld=_reason(group.footprints, group.enterprises))
        rec: Record = {"_kind": "CategoryBenchmark", "_id": f"{category_id}:{normal_unit}"}
        rec.update({k: v for k, v in values.items() if k in readable})
        out.append(rec)
    return out


@dataclass(frozen=True)
class Distribution:
    """The footprints of one category and declared unit, each per one unit, sorted: a group large enough to show."""

    declared_unit: str
    values: list[float]


async def category_distribution(reader: Reader, category_code: str) -> list[Distribution]:
    """The distribution of each of the category's groups that the minimum-group rule lets the caller see (the
    per-unit values of ONE category, converted in SQL as for the benchmarks).

    A group below the minimum is left out entirely, not listed as withheld: a public page must look the same
    for a category with no footprint and one with a single one (no existence oracle), so it may not say that
    a small group exists, nor in which unit."""
    access = await reader.access()
    if not (access.grants("CategoryBenchmark") and "min_kgco2e" in access.readable_fields("CategoryBenchmark")):
        return []
    conversions = await _conversions(reader, units_of_maker(reader.sessions), category_code)
    if not conversions:
        return []
    value, unit = _converted(conversions)
    groups: dict[str, tuple[list[float], set[int]]] = {}
    stmt = _benchmarked([unit.label("unit"), value.label("value"), Product.owner_id], category_code)
    for normal_unit, per_unit, owner_id in (tuple(row) for row in await reader.execute(stmt)):
        members, owners = groups.setdefault(normal_unit, ([], set()))
        members.append(float(per_unit))
        owners.add(owner_id)
    group = access.policy.minimum_group
    return [
        Distribution(normal_unit, sorted(values))
        for normal_unit, (values, owners) in sorted(groups.items())
        if group.met(access.role, len(values), len(owners))
    ]

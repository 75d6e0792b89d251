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
from statistics import fmean
from typing import Any

from sqlalchemy import select

from hub.accounting.normalise import per_category_unit
from hub.db.models import Footprint, Product, ProductCategory
from hub.queries.current import benchmarked
from hub.queries.reader import Reader
from hub.queries.records import Record
from hub.units import units_of_maker

STATISTICS = ("footprint_count", "min_kgco2e", "mean_kgco2e", "max_kgco2e")


def _reason(footprints: int, enterprises: int) -> str:
    return f"fewer than {footprints} published footprints of {enterprises} enterprises: too few to show"


Groups = dict[tuple[int, str], tuple[list[float], set[int]]]


async def _groups(reader: Reader, category_code: str | None) -> Groups:
    """The benchmarked footprints per (category, declared unit), each per one of its category's declared unit
    (hub/accounting/normalise.py), with the enterprises that own them."""
    stmt = (
        select(
            Product.category_id,
            ProductCategory.code,
            Footprint.declared_unit,
            Footprint.declared_unit_amount,
            Footprint.total_kgco2e,
            Product.owner_id,
        )
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .where(benchmarked())
    )
    if category_code is not None:
        stmt = stmt.where(ProductCategory.code == category_code)
    units = units_of_maker(reader.sessions)
    groups: Groups = {}
    for row in await reader.execute(stmt):
        category_id, code, unit, amount, total, owner_id = tuple(row)
        value, normal_unit = per_category_unit(units, code, unit, amount, total)
        members, owners = groups.setdefault((category_id, normal_unit), ([], set()))
        members.append(value)
        owners.add(owner_id)
    return groups


async def category_benchmarks(reader: Reader, category_code: str | None = None) -> list[Record]:
    access = await reader.access()
    if not access.grants("CategoryBenchmark"):
        return []
    readable = access.readable_fields("CategoryBenchmark")
    groups = await _groups(reader, category_code)
    group = access.policy.minimum_group
    out: list[Record] = []
    for (category_id, unit), (per_unit, owners) in sorted(groups.items()):
        n, enterprises = len(per_unit), len(owners)
        low, mean, high = min(per_unit), fmean(per_unit), max(per_unit)
        values: dict[str, Any] = {
            "category": category_id,
            "declared_unit": unit,
            "footprint_count": n,
            "min_kgco2e": low,
            "mean_kgco2e": mean,
            "max_kgco2e": high,
            "withheld": None,
        }
        if not group.met(access.role, n, enterprises):
            values.update(dict.fromkeys(STATISTICS), withheld=_reason(group.footprints, group.enterprises))
        rec: Record = {"_kind": "CategoryBenchmark", "_id": f"{category_id}:{unit}"}
        rec.update({k: v for k, v in values.items() if k in readable})
        out.append(rec)
    return out


@dataclass(frozen=True)
class Distribution:
    """The footprints of one category and declared unit, each per one unit, sorted: a group large enough to show."""

    declared_unit: str
    values: list[float]


async def category_distribution(reader: Reader, category_code: str) -> list[Distribution]:
    """The distribution of each of the category's groups that the minimum-group rule lets the caller see.

    A group below the minimum is left out entirely, not listed as withheld: a public page must look the same
    for a category with no footprint and one with a single one (no existence oracle), so it may not say that
    a small group exists, nor in which unit."""
    access = await reader.access()
    if not (access.grants("CategoryBenchmark") and "min_kgco2e" in access.readable_fields("CategoryBenchmark")):
        return []
    group = access.policy.minimum_group
    return [
        Distribution(unit, sorted(values))
        for (_, unit), (values, owners) in sorted((await _groups(reader, category_code)).items())
        if group.met(access.role, len(values), len(owners))
    ]

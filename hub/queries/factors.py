"""Searching emission factors by activity, region, reference year and unit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func

from hub.db.models import EmissionFactor
from hub.queries.filters import require_filterable
from hub.queries.reader import Reader
from hub.queries.records import Page, count, page


@dataclass(frozen=True)
class FactorFilter:
    activity: str | None = None  # a case-insensitive part of the activity name (English or Chinese)
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    units: tuple[str, ...] = ()


async def conditions(reader: Reader, f: FactorFilter) -> list[ColumnElement[bool]]:
    access = await reader.access()
    out: list[ColumnElement[bool]] = []
    if f.activity:
        require_filterable(access, "EmissionFactor", ["activity_name", "activity_name_zh"])
        needle = f"%{f.activity.lower()}%"
        out.append(
            func.lower(EmissionFactor.activity_name).like(needle)
            | func.lower(func.coalesce(EmissionFactor.activity_name_zh, "")).like(needle)
        )
    for values, name, column in (
        (f.regions, "region", EmissionFactor.region),
        (f.years, "reference_year", EmissionFactor.reference_year),
        (f.units, "unit", EmissionFactor.unit),
    ):
        if values:
            require_filterable(access, "EmissionFactor", [name])
            out.append(column.in_(values))
    return out


async def factor_page(reader: Reader, f: FactorFilter, first: int, after: int | None) -> Page:
    return await page(reader, "EmissionFactor", *(await conditions(reader, f)), first=first, after=after)


async def factor_count(reader: Reader, f: FactorFilter) -> int:
    return await count(reader, "EmissionFactor", *(await conditions(reader, f)))

"""What a superseded emission factor would change: the caller's footprints that used it, each with its total
now and with the factor's newest version (issue 14 item 2: changes are never silent).

Read under the caller's policy: the factor must be one the caller may read, and only lines of inventories the
caller may read count (the change reveals amount x factor, so it is as private as the inventory itself).
Footprints superseded by a newer version are left out: the newest version is the one to recompute.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from hub.db.models import EmissionFactor, Footprint, InventoryLine
from hub.queries.reader import Reader
from hub.queries.records import Record
from hub.units import UnitMismatch, Units, units_of_maker

KIND = "FactorChange"


async def _factor(reader: Reader, where: Any) -> Any:
    access = await reader.access()
    found = await reader.execute(
        select(EmissionFactor.id, EmissionFactor.iri, EmissionFactor.unit, EmissionFactor.value_kgco2e_per_unit).where(
            where, access.where("EmissionFactor")
        )
    )
    return found[0] if found else None


async def newest_version(reader: Reader, factor: Any) -> Any:
    """The end of the factor's supersedes chain, as far as the caller may read it."""
    seen = {factor.id}
    while (
        later := await _factor(reader, EmissionFactor.supersedes_id == factor.id)
    ) is not None and later.id not in seen:
        seen.add(later.id)
        factor = later
    return factor


async def factor_changes(reader: Reader, factor_iri: str) -> list[Record]:
    access = await reader.access()
    if not access.grants(KIND):
        return []
    factor = await _factor(reader, EmissionFactor.iri == factor_iri)
    if factor is None:
        return []
    newest = await newest_version(reader, factor)
    if newest.id == factor.id:
        return []
    later = aliased(Footprint)
    rows = await reader.execute(
        select(
            InventoryLine.footprint_id,
            InventoryLine.amount,
            InventoryLine.unit,
            InventoryLine.kgco2e,
            Footprint.total_kgco2e,
        )
        .join(Footprint, Footprint.id == InventoryLine.footprint_id)
        .where(
            InventoryLine.emission_factor_id == factor.id,
            access.where("InventoryLine"),
            access.where("Footprint"),
            ~exists(select(later.id).where(later.supersedes_id == Footprint.id)),
        )
        .order_by(InventoryLine.footprint_id, InventoryLine.id)
    )
    return _records(rows, factor.iri, newest, units_of_maker(reader.sessions), access.readable_fields(KIND))


def _records(rows: Any, superseded_iri: str, newest: Any, units: Units, readable: frozenset[str]) -> list[Record]:
    change: dict[int, float] = {}
    totals: dict[int, float] = {}
    for footprint_id, amount, unit, kgco2e, total in rows:
        try:
            now = units.convert(amount, unit, newest.unit) * newest.value_kgco2e_per_unit
        except UnitMismatch:  # a new version is refused unless its unit fits (hub/services/factors.py)
            now = math.nan
        change[footprint_id] = change.get(footprint_id, 0.0) + now - kgco2e
        totals[footprint_id] = total
    out: list[Record] = []
    for footprint_id, delta in change.items():
        current = totals[footprint_id]
        values = {
            "footprint": footprint_id,
            "current_kgco2e": current,
            "recomputed_kgco2e": current + delta,
            "change_kgco2e": delta,
            "change_percent": None if current == 0 else 100.0 * delta / current,
            "superseded_factor_iri": superseded_iri,
            "newest_factor_iri": newest.iri,
        }
        rec: Record = {"_kind": KIND, "_id": f"{footprint_id}:{superseded_iri}"}
        rec.update({k: v for k, v in values.items() if k in readable})
        out.append(rec)
    return out

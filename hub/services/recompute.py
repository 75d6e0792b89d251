"""Recomputing a footprint with the newest factor versions: an explicit action that makes a new version.

A footprint's inventory lines point at the exact factor rows they were computed with, and factor rows are never
edited: a new version supersedes a factor (hub/services/factors.py). hub/queries/factor_changes.py lists what a
superseded factor would change; this module recomputes one footprint on request, as a new draft version (to be
verified again), never in place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db.models import EmissionFactor, Footprint, InventoryLine, Product
from hub.quality.after_commit import check_after_commit
from hub.services.footprints import create_footprint, plain_fields
from hub.services.origin import Origin
from hub.validation import FieldError, InvalidInput

# Figures the hub computes from the inventory: left out of a recomputation's input, so that they are computed.
COMPUTED = (
    "total_kgco2e",
    "total_including_biogenic_uptake_kgco2e",
    "fossil_kgco2e",
    "biogenic_kgco2e",
    "land_use_change_kgco2e",
)


async def newest_version(session: AsyncSession, factor: EmissionFactor) -> EmissionFactor:
    """The end of the factor's supersedes chain (the factor itself when nothing supersedes it)."""
    seen = {factor.id}
    while (
        later := await session.scalar(select(EmissionFactor).where(EmissionFactor.supersedes_id == factor.id))
    ) is not None:
        if later.id in seen:  # a cycle cannot be written (a new factor supersedes an older one), but never loop
            break
        seen.add(later.id)
        factor = later
    return factor


async def recompute(session: AsyncSession, footprint: Footprint, origin: Origin, base_iri: str) -> Footprint:
    """A new draft version of `footprint` whose lines use the newest version of each factor they cite, with
    figures computed by the hub. Lines citing a supplier footprint keep citing the same supplier version."""
    product_iri = await session.scalar(select(Product.iri).where(Product.id == footprint.product_id))
    lines = await _lines(session, footprint.id)
    if not lines:
        raise InvalidInput([FieldError("$.footprint_id", "has no inventory: its figures are stated, not computed")])
    data: dict[str, Any] = {
        name: getattr(footprint, name)
        for name in plain_fields()
        if name not in COMPUTED and getattr(footprint, name) is not None
    }
    data.update(
        product_iri=product_iri,
        supersedes_iri=footprint.iri,
        system_boundary=footprint.system_boundary.value,
        packaging_emissions_included=footprint.packaging_emissions_included,
        inventory=lines,
    )
    for name in ("reference_period_start", "reference_period_end", "validity_start", "validity_end"):
        value = getattr(footprint, name)
        if value is not None:
            data[name] = value.isoformat()
    new = await create_footprint(session, data, origin, base_iri)
    check_after_commit(session, new.id, origin, base_iri)  # data quality, once the new version is committed
    return new


async def _lines(session: AsyncSession, footprint_id: int) -> list[dict[str, Any]]:
    supplier = aliased(Footprint)
    rows = await session.execute(
        select(InventoryLine, EmissionFactor, supplier.iri)
        .outerjoin(EmissionFactor, EmissionFactor.id == InventoryLine.emission_factor_id)
        .outerjoin(supplier, supplier.id == InventoryLine.supplier_footprint_id)
        .where(InventoryLine.footprint_id == footprint_id)
        .order_by(InventoryLine.id)
    )
    out = []
    for line, factor, supplier_iri in rows:
        entry: dict[str, Any] = {
            "stage": line.stage.value,
            "activity": line.activity,
            "amount": line.amount,
            "unit": line.unit,
        }
        if line.uncertainty_percent is not None:
            entry["uncertainty_percent"] = line.uncertainty_percent
        if line.pedigree is not None:
            entry["pedigree"] = line.pedigree  # the enterprise's statement stands until it states another
        if factor is not None:
            entry["emission_factor_iri"] = (await newest_version(session, factor)).iri
        else:
            entry["supplier_footprint_iri"] = supplier_iri
        out.append(entry)
    return out

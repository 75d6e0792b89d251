"""Use cases for emission factors: a factor is never edited; a new version supersedes it (at most once)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import FACTOR_SUPERSEDED_AT_MOST_ONCE, EmissionFactor
from hub.services.conflicts import conflict_as
from hub.services.lookups import by_iri
from hub.services.origin import Origin, new_iri
from hub.services.store import add_new
from hub.units import UnitMismatch, units_of
from hub.validation import FieldError, InvalidInput, require_valid

SUPERSEDED_ONCE = "is superseded already by another factor; a new version supersedes the newest one"


async def create_emission_factor(
    session: AsyncSession, data: dict[str, Any], origin: Origin, base_iri: str
) -> EmissionFactor:
    require_valid("emission-factor", data)
    valid_from, valid_until = _date(data.get("valid_from")), _date(data.get("valid_until"))
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput([FieldError("$.valid_until", "is before valid_from")])
    value = float(data["value_kgco2e_per_unit"])
    biogenic, land_use = data.get("biogenic_kgco2e_per_unit"), data.get("land_use_change_kgco2e_per_unit")
    if (biogenic or 0.0) + (land_use or 0.0) > value:
        raise InvalidInput(
            [
                FieldError(
                    "$.biogenic_kgco2e_per_unit", f"and land_use_change_kgco2e_per_unit exceed the value {value:g}"
                )
            ]
        )
    supersedes_id = None
    if data.get("supersedes_iri"):
        supersedes_id = (await _supersedable(session, data["supersedes_iri"], data["unit"])).id
    factor = EmissionFactor(
        iri=new_iri(base_iri, "factor"),
        dataset=data["dataset"],
        dataset_version=data["dataset_version"],
        activity_name=data["activity_name"],
        activity_name_zh=data.get("activity_name_zh"),
        region=data["region"],
        reference_year=data["reference_year"],
        unit=data["unit"],
        value_kgco2e_per_unit=value,
        gwp_basis=data["gwp_basis"],
        gases_covered=data["gases_covered"],
        source_citation=data["source_citation"],
        licence=data["licence"],
        uncertainty_percent=data.get("uncertainty_percent"),
        data_quality_rating=data.get("data_quality_rating"),
        valid_from=valid_from,
        valid_until=valid_until,
        illustrative=bool(data.get("illustrative", False)),
        biogenic_kgco2e_per_unit=biogenic,
        land_use_change_kgco2e_per_unit=land_use,
        supersedes_id=supersedes_id,
    )
    async with conflict_as(FACTOR_SUPERSEDED_AT_MOST_ONCE, FieldError("$.supersedes_iri", SUPERSEDED_ONCE)):
        return await add_new(session, factor, origin)


async def _supersedable(session: AsyncSession, iri: str, unit: str) -> EmissionFactor:
    """The factor a new version supersedes: not superseded yet, and per a unit of the same dimension (so that a
    footprint's lines convert to it)."""
    previous = await by_iri(session, EmissionFactor, iri, "$.supersedes_iri")
    try:
        units_of(session).factor(unit, previous.unit)
    except UnitMismatch as exc:
        raise InvalidInput(
            [
                FieldError(
                    "$.unit",
                    f"{unit} does not fit the superseded factor's {previous.unit}; "
                    f"units that fit: {', '.join(exc.fitting)}",
                )
            ]
        ) from None
    if await session.scalar(select(EmissionFactor.id).where(EmissionFactor.supersedes_id == previous.id)) is not None:
        raise InvalidInput([FieldError("$.supersedes_iri", SUPERSEDED_ONCE)])
    return previous


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

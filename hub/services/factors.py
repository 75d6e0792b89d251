"""Use cases for emission factors."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import EmissionFactor
from hub.services.origin import Origin, new_iri
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput, require_valid


async def create_emission_factor(
    session: AsyncSession, data: dict[str, Any], origin: Origin, base_iri: str
) -> EmissionFactor:
    require_valid("emission-factor", data)
    valid_from, valid_until = _date(data.get("valid_from")), _date(data.get("valid_until"))
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput([FieldError("$.valid_until", "is before valid_from")])
    factor = EmissionFactor(
        iri=new_iri(base_iri, "factor"),
        dataset=data["dataset"],
        dataset_version=data["dataset_version"],
        activity_name=data["activity_name"],
        activity_name_zh=data.get("activity_name_zh"),
        region=data["region"],
        reference_year=data["reference_year"],
        unit=data["unit"],
        value_kgco2e_per_unit=float(data["value_kgco2e_per_unit"]),
        gwp_basis=data["gwp_basis"],
        gases_covered=data["gases_covered"],
        source_citation=data["source_citation"],
        licence=data["licence"],
        uncertainty_percent=data.get("uncertainty_percent"),
        data_quality_rating=data.get("data_quality_rating"),
        valid_from=valid_from,
        valid_until=valid_until,
        illustrative=bool(data.get("illustrative", False)),
    )
    return await add_new(session, factor, origin)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

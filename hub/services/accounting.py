"""Use case: a footprint's figures computed from its inventory by the hub, and checked against what it states.

Each inventory line cites an emission factor (kgCO2e per factor unit) or a supplier's footprint (kgCO2e per
declared unit of the supplier's product, which may itself roll up its suppliers: pack -> cells -> cathode).
The hub loads those sources, converts each line's unit to its source's unit with the hub's pint registry,
and adds up lines, stages and the fossil / biogenic / land-use-change parts (hub/accounting). Stated figures
that disagree are refused, naming the line; figures left out are filled in. The Monte Carlo interval of the
total is computed from the sources' uncertainty and stored beside it, with its draw count and seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.accounting.montecarlo import Interval, sigma_of_interval, simulate
from hub.accounting.reconcile import (
    Source,
    compute,
    gwp_problems,
    gwp_set_of,
    negative_stage_problems,
    reconcile,
    source_field,
    source_gwp_problems,
)
from hub.accounting.settings import AccountingSettings, load_settings
from hub.db.models import EmissionFactor, Footprint
from hub.domain.codes import GasCoverage
from hub.queries.targets import unseen
from hub.units import units_of
from hub.validation import FieldError, InvalidInput, require_valid


@cache
def settings() -> AccountingSettings:
    """The accounting settings file, read once: constant data of this installation, like the JSON Schemas."""
    return load_settings()


# Valid values for the figures the hub computes from an inventory, so that the schema check before the
# arithmetic does not ask for them (they are replaced by the computed ones).
_COMPUTED_STAND_INS: dict[str, Any] = {
    "total_kgco2e": 0.0,
    "total_including_biogenic_uptake_kgco2e": 0.0,
    "fossil_kgco2e": 0.0,
    "stages": [{"stage": "production", "kgco2e": 0.0}],
}


@dataclass(frozen=True)
class Accounted:
    """A footprint input with the hub's figures, and the interval of its total (None without an inventory)."""

    data: dict[str, Any]
    interval: Interval | None


def stated_problems(data: Mapping[str, Any]) -> list[FieldError]:
    """What is wrong with a footprint's stated figures whether or not it has an inventory."""
    return gwp_problems(data, settings()) + negative_stage_problems(data, settings())


async def account_input(session: AsyncSession, data: dict[str, Any]) -> Accounted:
    """`data` with its figures computed from its inventory; raises InvalidInput naming every line that is wrong.

    The input is checked against its schema first, with the figures the hub computes standing in where they
    are left out, so that every schema problem is named at once and the arithmetic only meets valid lines."""
    lines = data.get("inventory")
    if not isinstance(lines, list) or not lines:
        return Accounted(data, None)
    require_valid("footprint", {**_COMPUTED_STAND_INS, **data})
    sources, errors = await _sources(session, lines)
    if errors:
        raise _refusal(data, errors)
    declared = data.get("ipcc_characterization_factors")
    if isinstance(declared, list):
        errors.extend(source_gwp_problems(lines, sources, [str(d) for d in declared]))
    units = units_of(session)
    computed, unit_errors = compute(lines, sources, units)
    errors.extend(unit_errors)
    if computed is None:
        raise _refusal(data, errors)
    completed, disagreements = reconcile(data, computed, units, settings())
    errors.extend(disagreements)
    if errors:
        raise _refusal(data, errors)
    s = settings()
    return Accounted(completed, simulate(computed.accounts.lines, computed.spread, s.draws, s.seed))


def _refusal(data: Mapping[str, Any], errors: list[FieldError]) -> InvalidInput:
    """The accounting's errors with those of the stated figures, so that one answer names every problem."""
    return InvalidInput(stated_problems(data) + errors)


async def _sources(
    session: AsyncSession, lines: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Source], list[FieldError]]:
    """The factors and supplier footprints the lines cite, loaded in two queries; an unknown one is refused in
    the words of a reference the caller may not read."""
    wanted = {
        field: {line[field] for line in lines if field in line}
        for field in ("emission_factor_iri", "supplier_footprint_iri")
    }
    found: dict[str, Source] = {}
    co2_only: set[str] = set()
    for factor in await session.scalars(
        select(EmissionFactor).where(EmissionFactor.iri.in_(wanted["emission_factor_iri"]))
    ):
        found[factor.iri] = factor_source(factor)
        if factor.gases_covered == GasCoverage.CO2:
            co2_only.add(factor.iri)
    for supplier in await session.scalars(select(Footprint).where(Footprint.iri.in_(wanted["supplier_footprint_iri"]))):
        found[supplier.iri] = supplier_source(supplier)
    errors = []
    for i, line in enumerate(lines):
        field = source_field(line)
        if line[field] not in found:
            kind = "EmissionFactor" if field == "emission_factor_iri" else "Footprint"
            errors.append(unseen(f"$.inventory[{i}].{field}", kind, line[field]))
        elif line[field] in co2_only:
            errors.append(FieldError(f"$.inventory[{i}].{field}", CO2_ONLY))
    return found, errors


# A CO2-only factor is never used as CO2e without saying so (issue 10 item 3): the line is refused.
CO2_ONLY = (
    "names a factor that covers CO2 only (kgCO2 per unit); a footprint is in CO2e and needs a factor that covers "
    "every greenhouse gas (gases_covered co2e), such as an electricity carbon-footprint factor"
)


def factor_source(factor: EmissionFactor) -> Source:
    biogenic = factor.biogenic_kgco2e_per_unit or 0.0
    land_use = factor.land_use_change_kgco2e_per_unit or 0.0
    return Source(
        iri=factor.iri,
        noun="factor",
        unit=factor.unit,
        per_unit=(factor.value_kgco2e_per_unit - biogenic - land_use, biogenic, land_use),
        sigma=settings().sigma(factor.uncertainty_percent, factor.data_quality_rating),
        gwp_set=gwp_set_of(factor.gwp_basis),
    )


def supplier_source(supplier: Footprint) -> Source:
    """A supplier's footprint per one of its declared units, split into parts as the supplier states them (all
    fossil when it states no parts), so that a roll-up keeps the parts of every tier."""
    per_unit = supplier.total_kgco2e / supplier.declared_unit_amount
    parts = (supplier.fossil_kgco2e, supplier.biogenic_kgco2e or 0.0, supplier.land_use_change_kgco2e or 0.0)
    stated = sum(parts)
    shares = tuple(p / stated for p in parts) if stated > 0 else (1.0, 0.0, 0.0)
    ratings = [
        r for r in (supplier.dqr_technological, supplier.dqr_geographical, supplier.dqr_temporal) if r is not None
    ]
    sigma = sigma_of_interval(supplier.total_kgco2e, supplier.uncertainty_high_kgco2e)
    if sigma is None:
        sigma = settings().sigma(None, fmean(ratings) if ratings else None)
    return Source(
        iri=supplier.iri,
        noun="supplier footprint",
        unit=supplier.declared_unit,
        per_unit=(per_unit * shares[0], per_unit * shares[1], per_unit * shares[2]),
        sigma=sigma,
        gwp_set=sets[0] if len(sets := supplier.ipcc_characterization_factors or []) == 1 else None,
    )

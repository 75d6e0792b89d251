"""Use cases for footprints: create a draft with its stages and inventory, then move it through its life."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from hub.accounting.reconcile import stored
from hub.db.models import (
    SUPERSEDED_AT_MOST_ONCE,
    EmissionFactor,
    Footprint,
    FootprintStage,
    InventoryLine,
    Organization,
    Product,
)
from hub.domain.codes import FootprintStatus, GasCoverage, LifeCycleStage, OrgKind, SystemBoundary
from hub.domain.lifecycle import adds_up, can_move, refusal
from hub.quality.after_commit import check_after_commit
from hub.services import accounting, audit
from hub.services.conflicts import conflict_as
from hub.services.lookups import by_iri
from hub.services.origin import Origin, new_iri
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput, record_fields, require_valid

_DATES = ("reference_period_start", "reference_period_end", "validity_start", "validity_end")
# Input fields stored otherwise than as a plain copy: references, enums, defaults, dates, child rows.
_NOT_PLAIN = {
    "product_iri",
    "supersedes_iri",
    "system_boundary",
    "packaging_emissions_included",
    "stages",
    "inventory",
    *_DATES,
}


def plain_fields() -> tuple[str, ...]:
    """The footprint input fields that are stored as they come (schema/json/footprint.schema.json)."""
    return tuple(name for name in record_fields("footprint")[0] if name not in _NOT_PLAIN)


def consistency_problems(data: dict[str, Any]) -> list[FieldError]:
    """What the schema cannot say: parts that must add up, periods that must run forwards."""
    found: list[FieldError] = accounting.stated_problems(data)
    stages = data["stages"]
    names = [s["stage"] for s in stages]
    for i, name in enumerate(names):
        if name in names[:i]:
            found.append(FieldError(f"$.stages[{i}].stage", f"{name} appears twice"))
    total = data["total_kgco2e"]
    stage_sum = math.fsum(s["kgco2e"] for s in stages)
    if not adds_up([s["kgco2e"] for s in stages], total):
        found.append(FieldError("$.stages", f"add up to {stage_sum:g} kgCO2e, but total_kgco2e is {total:g}"))
    lines = data.get("inventory") or []
    if lines and not adds_up([line["kgco2e"] for line in lines], total):
        line_sum = math.fsum(line["kgco2e"] for line in lines)
        found.append(FieldError("$.inventory", f"add up to {line_sum:g} kgCO2e, but total_kgco2e is {total:g}"))
    for start, end in (
        ("reference_period_start", "reference_period_end"),
        ("validity_start", "validity_end"),
    ):
        if data.get(start) and data.get(end) and data[end] < data[start]:
            found.append(FieldError(f"$.{end}", f"is before {start}"))
    capacity, lifetime = data.get("battery_capacity_kwh"), data.get("battery_lifetime_energy_kwh")
    if capacity is not None and lifetime is not None and lifetime < capacity:
        found.append(FieldError("$.battery_lifetime_energy_kwh", "is less than battery_capacity_kwh (one full cycle)"))
    if data.get("packaging_kgco2e") and not data.get("packaging_emissions_included"):
        found.append(FieldError("$.packaging_kgco2e", "is given but packaging_emissions_included is false"))
    return found


async def create_footprint(session: AsyncSession, data: dict[str, Any], origin: Origin, base_iri: str) -> Footprint:
    """Store a new draft footprint (or a new version of one) with its stages and inventory.

    The hub computes the figures of a footprint with an inventory (hub/services/accounting.py): stated ones
    must agree with them, missing ones are filled in, and the total's Monte Carlo interval is stored."""
    accounted = await accounting.account_input(session, data)
    data = accounted.data
    require_valid("footprint", data)
    problems = consistency_problems(data)
    if problems:
        raise InvalidInput(problems)
    product = await by_iri(session, Product, data["product_iri"], "$.product_iri")
    version, supersedes_id = 1, None
    if data.get("supersedes_iri"):
        previous = await _supersedable(session, data["supersedes_iri"], product)
        version, supersedes_id = previous.version + 1, previous.id
    footprint = Footprint(
        iri=new_iri(base_iri, "footprint"),
        product_id=product.id,
        version=version,
        supersedes_id=supersedes_id,
        status=FootprintStatus.DRAFT,
        system_boundary=SystemBoundary(data["system_boundary"]),
        packaging_emissions_included=bool(data.get("packaging_emissions_included", False)),
        **{name: data.get(name) for name in plain_fields()},
        **{name: date.fromisoformat(data[name]) if data.get(name) else None for name in _DATES},
    )
    if accounted.interval is not None:
        footprint.uncertainty_mean_kgco2e = stored(accounted.interval.mean)
        footprint.uncertainty_low_kgco2e = stored(accounted.interval.low)
        footprint.uncertainty_high_kgco2e = stored(accounted.interval.high)
        footprint.uncertainty_draws = accounted.interval.draws
        footprint.uncertainty_seed = accounted.interval.seed
    footprint.stages = [FootprintStage(stage=LifeCycleStage(s["stage"]), kgco2e=s["kgco2e"]) for s in data["stages"]]
    footprint.inventory = [
        await _inventory_line(session, line, i, origin, base_iri) for i, line in enumerate(data.get("inventory") or [])
    ]
    async with conflict_as(SUPERSEDED_AT_MOST_ONCE, FieldError("$.supersedes_iri", _SUPERSEDED)):
        return await add_new(session, footprint, origin, {"product": product.iri, "version": version})


_SUPERSEDED = "is superseded already by another footprint; a new version supersedes the newest one"


async def _supersedable(session: AsyncSession, iri: str, product: Product) -> Footprint:
    """The footprint a new version supersedes: of the same product, and not superseded yet (the unique
    constraint on supersedes_id settles two new versions written at once)."""
    previous = await by_iri(session, Footprint, iri, "$.supersedes_iri")
    if previous.product_id != product.id:
        raise InvalidInput([FieldError("$.supersedes_iri", "is a footprint of another product")])
    if await session.scalar(select(Footprint.id).where(Footprint.supersedes_id == previous.id)) is not None:
        raise InvalidInput([FieldError("$.supersedes_iri", _SUPERSEDED)])
    return previous


async def _inventory_line(
    session: AsyncSession, line: dict[str, Any], index: int, origin: Origin, base_iri: str
) -> InventoryLine:
    factor_id = supplier_id = None
    if line.get("emission_factor_iri"):
        factor = await by_iri(
            session, EmissionFactor, line["emission_factor_iri"], f"$.inventory[{index}].emission_factor_iri"
        )
        if factor.gases_covered == GasCoverage.CO2:
            raise InvalidInput([FieldError(f"$.inventory[{index}].emission_factor_iri", accounting.CO2_ONLY)])
        factor_id = factor.id
    else:
        supplier = await by_iri(
            session, Footprint, line["supplier_footprint_iri"], f"$.inventory[{index}].supplier_footprint_iri"
        )
        supplier_id = supplier.id
    record = InventoryLine(
        iri=new_iri(base_iri, "inventory-line"),
        stage=LifeCycleStage(line["stage"]),
        activity=line["activity"],
        amount=line["amount"],
        unit=line["unit"],
        emission_factor_id=factor_id,
        supplier_footprint_id=supplier_id,
        kgco2e=line["kgco2e"],
        uncertainty_percent=line.get("uncertainty_percent"),
        pedigree=line.get("pedigree"),  # checked by the schema: the five indicators, integers 1-5
    )
    origin.stamp(record)
    return record


async def move(
    session: AsyncSession,
    footprint: Footprint,
    new: FootprintStatus,
    origin: Origin,
    detail: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Footprint:
    """Change a footprint's status along the allowed transitions (with `changes` to its other columns), and
    record it.

    The change is one compare-and-set: `UPDATE ... WHERE id = :id AND status = :seen`. Of callers that saw the
    same status and move at once, exactly one matches the row (PostgreSQL makes the others wait for its row
    lock and re-check; SQLite lets one writer in at a time); the others are told the status it has now.
    """
    seen = footprint.status
    if not can_move(seen, new):
        raise InvalidInput([FieldError("$.status", refusal(seen, seen, new))])
    values = {"status": new, **(changes or {})}
    result = await session.execute(
        update(Footprint)
        .where(Footprint.id == footprint.id, Footprint.status == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        now = await session.scalar(select(Footprint.status).where(Footprint.id == footprint.id))
        raise InvalidInput([FieldError("$.status", refusal(FootprintStatus(now or seen), seen, new))])
    for name, value in values.items():
        set_committed_value(footprint, name, value)
    await audit.record(
        session,
        origin.actor,
        f"status:{new.value}",
        "Footprint",
        footprint.iri,
        {"from": seen.value, **(detail or {})},
    )
    return footprint


async def verify(
    session: AsyncSession,
    footprint: Footprint,
    verifier: Organization,
    statement: str,
    on: date,
    origin: Origin,
    standard: str | None = None,
) -> Footprint:
    """A verifier's positive statement on a submitted footprint."""
    if verifier.kind is not OrgKind.VERIFIER:
        raise InvalidInput([FieldError("$.verifier", f"{verifier.iri} is not a verifier")])
    if not statement.strip():
        raise InvalidInput([FieldError("$.statement", "must not be empty")])
    changes = {
        "verifier_id": verifier.id,
        "verified_at": on,
        "verification_statement": statement,
        "verification_standard": standard,
    }
    return await move(session, footprint, FootprintStatus.VERIFIED, origin, {"verifier": verifier.iri}, changes)


async def submit(
    session: AsyncSession, footprint: Footprint, verifier: Organization, origin: Origin, base_iri: str | None = None
) -> Footprint:
    """Submit a draft for verification by `verifier`, who is assigned to it (and may read its inventory). Given the
    hub's `base_iri` (the API gives it), its data quality is checked after the commit (hub/quality/service.py);
    the demo loader, which checks every footprint when it decides them, leaves it out."""
    if verifier.kind is not OrgKind.VERIFIER:
        raise InvalidInput([FieldError("$.verifier_id", f"{verifier.iri} is not a verifier")])
    detail = {"verifier": verifier.iri}
    moved = await move(session, footprint, FootprintStatus.SUBMITTED, origin, detail, {"verifier_id": verifier.id})
    if base_iri is not None:
        check_after_commit(session, moved.id, origin, base_iri)
    return moved


async def reject(session: AsyncSession, footprint: Footprint, statement: str, origin: Origin) -> Footprint:
    """The assigned verifier's negative statement: the footprint goes back to draft for correction."""
    if not statement.strip():
        raise InvalidInput([FieldError("$.statement", "must not be empty")])
    changes = {"verification_statement": statement}
    return await move(session, footprint, FootprintStatus.DRAFT, origin, {"statement": statement}, changes)

"""What the other data sources say about a footprint's enterprise and reference period, per declared unit: the
facts the quality rules compare a footprint with (issue 14 item 4, cross-source validation).

Allocation: a source reports a whole site (all its energy, all its output), not a product. The figures here
divide the site's energy or emissions by the site's whole reported output, converted to the footprint's
declared unit: exact for a single product line, the site's output-weighted average where the site makes several
products (the rules' tolerance must absorb the difference; docs/sources.md). No figure is given where the
sources do not cover the whole reference period (a partial year would bias it), where no output is reported,
or where the output's unit does not convert to the declared unit (t of clinker vs a footprint per piece).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Dataset, Footprint, Organization, Product, SourceRecord
from hub.sources.layout import Item, load_layout
from hub.units import UnitMismatch, Units
from hub.units.registry import units_of

ELECTRICITY = "source.electricity_kwh_per_unit"
FUEL = "source.fuel_mj_per_unit"
EMISSIONS = "source.emissions_kgco2e_per_unit"
MONITORING, VERIFIED = "energy-monitoring", "verified-emissions"


@dataclass(frozen=True)
class Covered:
    """The footprint's enterprise, reference period and declared unit, which the sources must cover."""

    org_id: int
    period_start: date
    period_end: date
    declared_unit: str
    declared_unit_amount: float = 1.0


@dataclass(frozen=True)
class SourceProvenance:
    """Where a figure comes from, for the explanation beside a quality result."""

    dataset_iri: str
    kind: str
    file: str | None
    publisher: str | None
    licence: str | None
    content_hash: str
    imported_at: datetime
    imported_by: str
    rows: tuple[int, ...]


async def source_facts_for(
    session: AsyncSession,
    *,
    declared_unit: str,
    period_start: date,
    period_end: date,
    credit_code: str | None = None,
    org_id: int | None = None,
    product_id: int | None = None,
    declared_unit_amount: float = 1.0,
) -> dict[str, float]:
    """The source facts for a footprint (names above); a fact is absent where no source covers it."""
    org = await _org_id(session, credit_code, org_id, product_id)
    if org is None:
        return {}
    covered = Covered(org, period_start, period_end, declared_unit, declared_unit_amount)
    facts: dict[str, float] = {}
    units = units_of(session)
    for kind in (MONITORING, VERIFIED):
        rows = _covering(await _rows(session, kind, covered), covered)
        facts.update(_facts(kind, rows, covered, units))
    return facts


async def source_facts_of(session: AsyncSession, footprint: Footprint) -> dict[str, float]:
    """`source_facts_for` a stored footprint: its product's enterprise, reference period and declared unit (what
    hub/quality/sources.py's `source_facts(session, footprint)` hook returns once plugged in)."""
    return await source_facts_for(
        session,
        product_id=footprint.product_id,
        declared_unit=footprint.declared_unit,
        declared_unit_amount=footprint.declared_unit_amount,
        period_start=footprint.reference_period_start,
        period_end=footprint.reference_period_end,
    )


def covered_by(footprint: Footprint, org_id: int) -> Covered:
    """What the sources must cover for `footprint` of enterprise `org_id` (for `source_provenance_for`)."""
    return Covered(
        org_id,
        footprint.reference_period_start,
        footprint.reference_period_end,
        footprint.declared_unit,
        footprint.declared_unit_amount,
    )


async def source_provenance_for(session: AsyncSession, covered: Covered) -> list[SourceProvenance]:
    """The datasets (and their rows) the facts of `covered` are computed from."""
    rows = [r for kind in (MONITORING, VERIFIED) for r in _covering(await _rows(session, kind, covered), covered)]
    by_dataset: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_dataset[row.dataset_id].append(row.row)
    if not by_dataset:
        return []
    datasets = await session.scalars(select(Dataset).where(Dataset.id.in_(by_dataset)).order_by(Dataset.id))
    return [
        SourceProvenance(
            dataset_iri=d.iri,
            kind=d.name,
            file=d.source_ref,
            publisher=d.publisher,
            licence=d.licence,
            content_hash=d.content_hash,
            imported_at=d.created_at,
            imported_by=d.created_by,
            rows=tuple(sorted(by_dataset[d.id])),
        )
        for d in datasets
    ]


async def _org_id(
    session: AsyncSession, credit_code: str | None, org_id: int | None, product_id: int | None
) -> int | None:
    if org_id is not None:
        return org_id
    if credit_code is not None:
        found: int | None = await session.scalar(select(Organization.id).where(Organization.credit_code == credit_code))
        return found
    if product_id is not None:
        owner: int | None = await session.scalar(select(Product.owner_id).where(Product.id == product_id))
        return owner
    return None


async def _rows(session: AsyncSession, kind: str, covered: Covered) -> list[SourceRecord]:
    """The enterprise's rows of `kind` inside the reference period, newest dataset first."""
    found = await session.scalars(
        select(SourceRecord)
        .where(
            SourceRecord.org_id == covered.org_id,
            SourceRecord.kind == kind,
            SourceRecord.period_start >= covered.period_start,
            SourceRecord.period_end <= covered.period_end,
        )
        .order_by(SourceRecord.dataset_id.desc(), SourceRecord.id)
    )
    return list(found)


def _covering(rows: list[SourceRecord], covered: Covered) -> list[SourceRecord]:
    """The rows in force (a later dataset's figure for the same period and item replaces an earlier one's),
    or none when their periods do not cover the whole reference period."""
    in_force: dict[tuple[date, str], SourceRecord] = {}
    for row in rows:  # newest dataset first
        in_force.setdefault((row.period_start, row.item), row)
    periods = {(r.period_start, r.period_end) for r in in_force.values()}
    days = sum((end - start).days + 1 for start, end in periods)
    if days != (covered.period_end - covered.period_start).days + 1:
        return []
    return list(in_force.values())


def _facts(kind: str, rows: list[SourceRecord], covered: Covered, units: Units) -> dict[str, float]:
    items = load_layout().items
    try:
        output = sum(units.convert(r.amount, r.unit, covered.declared_unit) for r in rows if r.item == "output")
    except UnitMismatch:
        return {}
    if output <= 0:
        return {}
    per_unit = covered.declared_unit_amount / output
    if kind == VERIFIED:
        emitted = [r for r in rows if items[r.item].kind == "emission"]
        if not emitted:
            return {}
        return {EMISSIONS: sum(units.convert(r.amount, r.unit, "kgCO2e") for r in emitted) * per_unit}
    facts = {}
    electricity = [r for r in rows if items[r.item].kind == "electricity"]
    if electricity:
        facts[ELECTRICITY] = sum(units.convert(r.amount, r.unit, "kWh") for r in electricity) * per_unit
    fuels = [r for r in rows if items[r.item].kind == "fuel"]
    if fuels:
        facts[FUEL] = sum(_megajoules(items[r.item], r, units) for r in fuels) * per_unit
    return facts


def _megajoules(item: Item, row: SourceRecord, units: Units) -> float:
    """A fuel's energy: as stated when in energy units, else mass or volume x the item's net calorific value."""
    dimension = units.dimension_of[row.unit]
    if dimension == "energy":
        return units.convert(row.amount, row.unit, "MJ")
    if dimension == "mass" and item.ncv_mj_per_kg is not None:
        return units.convert(row.amount, row.unit, "kg") * item.ncv_mj_per_kg
    if dimension == "volume" and item.ncv_mj_per_m3 is not None:
        return units.convert(row.amount, row.unit, "m3") * item.ncv_mj_per_m3
    raise UnitMismatch(row.unit, "MJ", ("MJ",))  # the layout allows no other dimension for a fuel

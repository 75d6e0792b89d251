"""What the quality facts are computed from, read in a fixed number of queries for any number of footprints:
each footprint's own fields, its inventory lines with their factors (or supplier footprints), its previous
version, and the published peers of its category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db.models import EmissionFactor, Footprint, InventoryLine, Product, ProductCategory
from hub.domain.codes import FootprintStatus
from hub.queries.current import benchmarked


@dataclass(frozen=True)
class Line:
    stage: str
    amount: float
    unit: str
    kgco2e: float
    activity: str | None  # the factor's activity name; None for a supplier footprint
    year: int | None
    region: str | None
    supplier: bool
    verified: bool
    illustrative: bool
    stated: Mapping[str, Any] | None = None  # the enterprise's own pedigree scores, if it stated them


@dataclass
class Subject:
    """One footprint as the quality facts see it."""

    id: int
    product_id: int
    owner_id: int
    category: str
    declared_unit: str
    declared_unit_amount: float
    product_mass_kg: float | None
    total_kgco2e: float
    reference_end: date
    country: str
    subdivision: str | None
    supersedes_id: int | None
    comment: str | None
    record: Footprint
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Peer:
    id: int
    owner_id: int
    category: str
    declared_unit: str
    declared_unit_amount: float
    total_kgco2e: float


_VERIFIED = (FootprintStatus.VERIFIED, FootprintStatus.PUBLISHED)


async def subjects(session: AsyncSession, footprint_ids: Sequence[int]) -> dict[int, Subject]:
    """The footprints `footprint_ids` with their inventory lines."""
    rows = await session.execute(
        select(Footprint, Product.owner_id, ProductCategory.code)
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .where(Footprint.id.in_(footprint_ids))
    )
    out = {fp.id: _subject(fp, owner, code) for fp, owner, code in rows}
    supplier = aliased(Footprint)
    lines = await session.execute(
        select(
            InventoryLine,
            EmissionFactor,
            supplier.status,
            supplier.reference_period_end,
            supplier.geography_subdivision,
        )
        .outerjoin(EmissionFactor, EmissionFactor.id == InventoryLine.emission_factor_id)
        .outerjoin(supplier, supplier.id == InventoryLine.supplier_footprint_id)
        .where(InventoryLine.footprint_id.in_(footprint_ids))
        .order_by(InventoryLine.id)
    )
    for line, factor, status, end, region in lines:
        out[line.footprint_id].lines.append(_line(line, factor, status, end, region))
    return out


def _subject(fp: Footprint, owner: int, code: str) -> Subject:
    return Subject(
        id=fp.id,
        product_id=fp.product_id,
        owner_id=owner,
        category=code,
        declared_unit=fp.declared_unit,
        declared_unit_amount=fp.declared_unit_amount,
        product_mass_kg=fp.product_mass_kg_per_declared_unit,
        total_kgco2e=fp.total_kgco2e,
        reference_end=fp.reference_period_end,
        country=fp.geography_country,
        subdivision=fp.geography_subdivision,
        supersedes_id=fp.supersedes_id,
        comment=fp.comment,
        record=fp,
    )


def _line(
    line: InventoryLine,
    factor: EmissionFactor | None,
    status: FootprintStatus | None,
    end: date | None,
    region: str | None,
) -> Line:
    supplier = line.supplier_footprint_id is not None
    return Line(
        stage=str(line.stage),
        amount=line.amount,
        unit=line.unit,
        kgco2e=line.kgco2e,
        activity=None if factor is None else factor.activity_name,
        year=(end.year if end else None) if supplier else (factor.reference_year if factor else None),
        region=region if supplier else (factor.region if factor else None),
        supplier=supplier,
        verified=status in _VERIFIED,
        illustrative=bool(factor and factor.illustrative),
        stated=line.pedigree,
    )


async def previous_versions(session: AsyncSession, found: dict[int, Subject]) -> dict[int, Subject]:
    """Per footprint, the enterprise's previous version of the product: the footprint it supersedes, else the
    newest earlier footprint of the same product (not withdrawn)."""
    products = {s.product_id for s in found.values()}
    rows = await session.execute(
        select(Footprint, Product.owner_id, ProductCategory.code)
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .where(Footprint.product_id.in_(products), Footprint.status != FootprintStatus.WITHDRAWN)
    )
    by_product: dict[int, list[Subject]] = {}
    for fp, owner, code in rows:
        by_product.setdefault(fp.product_id, []).append(_subject(fp, owner, code))
    out: dict[int, Subject] = {}
    for subject in found.values():
        versions = by_product.get(subject.product_id, [])
        named = [v for v in versions if v.id == subject.supersedes_id]
        earlier = [v for v in versions if v.id < subject.id]
        chosen = named[0] if named else max(earlier, key=lambda v: v.id) if earlier else None
        if chosen is not None:
            out[subject.id] = chosen
    return out


async def peers(session: AsyncSession, categories: set[str]) -> list[Peer]:
    """The published footprints a category's benchmark is made of (hub/queries/current.py), for the outlier test."""
    rows = await session.execute(
        select(
            Footprint.id,
            Product.owner_id,
            ProductCategory.code,
            Footprint.declared_unit,
            Footprint.declared_unit_amount,
            Footprint.total_kgco2e,
        )
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .where(benchmarked(), ProductCategory.code.in_(categories))
    )
    return [Peer(*row) for row in rows]

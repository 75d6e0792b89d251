"""Footprints as ZJ documents: the Zhejiang-vocabulary JSON that every mapping starts from.

The shape is `schema/json/footprint-document.schema.json`: the input fields of a footprint, plus its
identity, status, product, owner, verification, stages, (optionally) inventory, the emission-factor
datasets behind it, and its provenance. Built in a fixed number of queries for any number of footprints.

Without the inventory, the inventory lines are not loaded at all: the datasets behind a footprint are read as
distinct (dataset, version) pairs, one row per pair rather than one ORM entity per line and factor. That keeps
the read behind the PACT host and `mapped(to:)` (hub/queries/mapped.py) proportional to what the mappings use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db.models import (
    EmissionFactor,
    Footprint,
    FootprintStage,
    InventoryLine,
    Organization,
    PactSupplierFootprint,
    Product,
    ProductCategory,
)
from hub.domain.codes import FootprintStatus
from hub.services.footprints import plain_fields


async def footprint_documents(
    session: AsyncSession, footprint_ids: Sequence[int], include_inventory: bool = False
) -> list[dict[str, Any]]:
    """The ZJ documents of the given footprints, in the order given."""
    if not footprint_ids:
        return []
    industry = aliased(ProductCategory)
    verifier = aliased(Organization)
    superseded = aliased(Footprint)
    rows = (
        await session.execute(
            select(
                Footprint,
                Product,
                ProductCategory,
                industry.code,
                Organization,
                verifier,
                superseded.iri,
                PactSupplierFootprint.emission_factor_sources,
                _retired_by(),
            )
            .select_from(Footprint)
            .join(Product, Product.id == Footprint.product_id)
            .join(ProductCategory, ProductCategory.id == Product.category_id)
            .outerjoin(industry, industry.id == ProductCategory.parent_id)
            .join(Organization, Organization.id == Product.owner_id)
            .outerjoin(verifier, verifier.id == Footprint.verifier_id)
            .outerjoin(superseded, superseded.id == Footprint.supersedes_id)
            .outerjoin(PactSupplierFootprint, PactSupplierFootprint.footprint_id == Footprint.id)
            .where(Footprint.id.in_(footprint_ids))
        )
    ).all()
    stages = await _stages(session, footprint_ids)
    lines = await _lines(session, footprint_ids) if include_inventory else None
    sources = await _sources(session, footprint_ids) if lines is None else _sources_of_lines(lines)
    by_id: dict[int, dict[str, Any]] = {}
    for fp, product, category, industry_code, owner, by, supersedes_iri, pulled_sources, retired_by in rows:
        doc = _document(
            fp,
            product,
            category,
            industry_code,
            owner,
            by,
            supersedes_iri,
            stages[fp.id],
            sources[fp.id],
            None if lines is None else lines[fp.id],
        )
        # a footprint pulled from a PACT host has no inventory lines: the factor datasets the host named
        doc["emission_factor_sources"] = doc["emission_factor_sources"] or list(pulled_sources or [])
        by_id[fp.id] = doc | _retired(retired_by)
    return [by_id[i] for i in footprint_ids if i in by_id]


def _retired_by() -> ScalarSelect[str]:
    """The newest published footprint of the same product stored after this one: it retires this one
    (hub/queries/current.py), which PACT then reports as Deprecated."""
    newer = aliased(Footprint)
    return (
        select(newer.iri)
        .where(
            newer.product_id == Footprint.product_id,
            newer.status == FootprintStatus.PUBLISHED,
            newer.id > Footprint.id,
        )
        .order_by(newer.id.desc())
        .limit(1)
        .correlate(Footprint)
        .scalar_subquery()
    )


def _retired(by: str | None) -> dict[str, str]:
    return {"retired_by_iri": by} if by else {}


async def _stages(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for stage in await session.scalars(
        select(FootprintStage).where(FootprintStage.footprint_id.in_(ids)).order_by(FootprintStage.id)
    ):
        found[stage.footprint_id].append({"stage": stage.stage.value, "kgco2e": stage.kgco2e})
    return found


async def _sources(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    """Each footprint's emission-factor datasets, `{name, version}` sorted, from its inventory lines' factors."""
    rows = await session.execute(
        select(InventoryLine.footprint_id, EmissionFactor.dataset, EmissionFactor.dataset_version)
        .join(EmissionFactor, EmissionFactor.id == InventoryLine.emission_factor_id)
        .where(InventoryLine.footprint_id.in_(ids))
        .distinct()
    )
    seen: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for footprint_id, name, version in rows:
        seen[footprint_id].add((name, version))
    return defaultdict(list, {key: _named(pairs) for key, pairs in seen.items()})


def _sources_of_lines(lines: dict[int, list[tuple[InventoryLine, Any, Any]]]) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = defaultdict(list)
    for key, entries in lines.items():
        found[key] = _named({(f.dataset, f.dataset_version) for _, f, _ in entries if f is not None})
    return found


def _named(pairs: set[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "version": version} for name, version in sorted(pairs)]


async def _lines(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[tuple[InventoryLine, Any, Any]]]:
    supplier = aliased(Footprint)
    found: dict[int, list[tuple[InventoryLine, Any, Any]]] = defaultdict(list)
    rows = await session.execute(
        select(InventoryLine, EmissionFactor, supplier.iri)
        .outerjoin(EmissionFactor, EmissionFactor.id == InventoryLine.emission_factor_id)
        .outerjoin(supplier, supplier.id == InventoryLine.supplier_footprint_id)
        .where(InventoryLine.footprint_id.in_(ids))
        .order_by(InventoryLine.id)
    )
    for line, factor, supplier_iri in rows:
        found[line.footprint_id].append((line, factor, supplier_iri))
    return found


def _document(
    fp: Footprint,
    product: Product,
    category: ProductCategory,
    industry_code: str | None,
    owner: Organization,
    verifier: Organization | None,
    supersedes_iri: str | None,
    stages: list[dict[str, Any]],
    sources: list[dict[str, str]],
    lines: list[tuple[InventoryLine, Any, Any]] | None,
) -> dict[str, Any]:
    """One footprint's document; `lines` (its inventory) only when the inventory is asked for."""
    doc: dict[str, Any] = {
        "iri": fp.iri,
        "version": fp.version,
        "status": fp.status.value,
        "created_at": fp.created_at.isoformat(),
        "packaging_emissions_included": fp.packaging_emissions_included,
        # the same fields, in the same shape, as the footprint input (schema/json/footprint.schema.json)
        **{name: value for name in plain_fields() if (value := getattr(fp, name)) is not None},
        "system_boundary": fp.system_boundary.value,
        "reference_period_start": fp.reference_period_start.isoformat(),
        "reference_period_end": fp.reference_period_end.isoformat(),
        "product": _drop_none(
            {
                "iri": product.iri,
                "name": product.name,
                "model": product.model,
                "gtin": product.gtin,
                "category_code": category.code,
                "category_name_zh": category.name_zh,
                "category_name_en": category.name_en,
                "stat_code": category.stat_code,
                "industry_code": industry_code,
            }
        ),
        "owner": _drop_none(
            {
                "iri": owner.iri,
                "name_zh": owner.name_zh,
                "name_en": owner.name_en,
                "credit_code": owner.credit_code,
                "region": owner.region.value,
            }
        ),
        "verification": None
        if verifier is None or fp.verified_at is None
        else _drop_none(
            {
                "verifier_iri": verifier.iri,
                "verifier_name": verifier.name_en,
                "verifier_accreditation": verifier.accreditation,
                "verified_at": fp.verified_at.isoformat(),
                "statement": fp.verification_statement,
                "standard": fp.verification_standard,
            }
        ),
        "stages": stages,
        "emission_factor_sources": sources,
        "provenance": _drop_none(
            {
                "created_by": fp.created_by,
                "source": fp.source.value,
                "source_ref": fp.source_ref,
                "mapping_iri": fp.mapping_iri,
                "mapping_version": fp.mapping_version,
            }
        ),
    }
    for name in ("validity_start", "validity_end"):
        if (value := getattr(fp, name)) is not None:
            doc[name] = value.isoformat()
    if supersedes_iri:
        doc["supersedes_iri"] = supersedes_iri
    if lines is not None:
        doc["inventory"] = [_line(line, factor, supplier_iri) for line, factor, supplier_iri in lines]
    return doc


def _line(line: InventoryLine, factor: EmissionFactor | None, supplier_iri: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stage": line.stage.value,
        "activity": line.activity,
        "amount": line.amount,
        "unit": line.unit,
        "kgco2e": line.kgco2e,
    }
    if factor is not None:
        out.update(emission_factor_iri=factor.iri, dataset=factor.dataset, dataset_version=factor.dataset_version)
    if supplier_iri is not None:
        out["supplier_footprint_iri"] = supplier_iri
    return out


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}

"""Storing a footprint received from a PACT host as a supplier footprint of this hub.

The PACT document is validated against the PACT v3 schema (mappings/pact/pact-v3.schema.json), mapped into
the ZJ vocabulary by the PACT -> ZJ mapping in force, validated again as a footprint input, and stored with
its provenance: the host, the PACT id, the ids it succeeds and when it was fetched. Its owner and product are
found by IRI only among records pulled from the same host, so a host can never attach its data to an
organization, product or footprint of this hub or of another host.

Pulling a PACT id again writes nothing (or withdraws the copy when the host has deprecated it since); a PACT
id whose `precedingPfIds` names one stored from the same host supersedes it (the older copy is withdrawn), so
an inventory that cites the older one can see that a newer version exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import clock_of
from hub.db.models import Footprint, FootprintStage, Organization, PactSupplierFootprint, Product
from hub.domain.codes import FootprintStatus, LifeCycleStage, OrgKind, Region, SourceKind, SystemBoundary
from hub.mapping import Catalog
from hub.pact.criteria import instant
from hub.pact.schema import pact_problems
from hub.services.footprints import consistency_problems, plain_fields
from hub.services.lookups import category_by_code
from hub.services.origin import Origin
from hub.services.published import effective_catalog
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput, problems, record_fields

M = TypeVar("M", Organization, Product)
_DATES = ("reference_period_start", "reference_period_end", "validity_start", "validity_end")


@dataclass
class Outcome:
    """What storing one PACT footprint did: `stored`, `unchanged`, `deprecated` or `refused` (with reasons)."""

    pact_id: str
    kind: str
    footprint_id: int | None = None
    reasons: list[str] = field(default_factory=list)


def pact_id_of(document: Any) -> str:
    value = document.get("id") if isinstance(document, dict) else None
    return value if isinstance(value, str) else "(no id)"


async def store_pact_footprint(
    session: AsyncSession, host: str, document: Any, actor: str, catalog: Catalog | None = None
) -> Outcome:
    """Store one PACT ProductFootprint from `host`; refusals are returned, never raised, and write nothing.

    `catalog`: the mappings in force, when the caller stores many and has read them once."""
    pact_id = pact_id_of(document)
    catalog = catalog or await effective_catalog(session)
    invalid = pact_problems(catalog, document)
    if invalid:
        return Outcome(pact_id, "refused", reasons=invalid[:20])
    known = await session.scalar(
        select(PactSupplierFootprint).where(
            PactSupplierFootprint.host == host, PactSupplierFootprint.pact_id == pact_id
        )
    )
    if known is not None:
        return await _again(session, known, document["status"])
    mapper = catalog.get("pact", "import")
    result = mapper.map(document)
    if not result.ok:
        return Outcome(pact_id, "refused", reasons=[f"{path}: {reason}" for path, reason in result.errors])
    origin = Origin(
        actor=actor,
        source=SourceKind.IMPORT,
        source_ref=_trim(f"{host}/3/footprints/{pact_id}"),
        mapping_iri=mapper.iri,
        mapping_version=mapper.version,
        clock=clock_of(session),
    )
    try:
        async with session.begin_nested():
            preceding = [i for i in document.get("precedingPfIds") or [] if isinstance(i, str)]
            footprint = await _store(session, host, result.output, preceding, origin)
            session.add(
                PactSupplierFootprint(
                    footprint_id=footprint.id,
                    host=host,
                    pact_id=pact_id,
                    preceding_pact_ids=list(document.get("precedingPfIds") or []),
                    pact_status=document["status"],
                    pact_created=str(document["created"])[:40],
                    emission_factor_sources=result.output.get("emission_factor_sources") or [],
                    fetched_at=origin.clock.now(),
                )
            )
            await session.flush()
    except InvalidInput as refused:
        return Outcome(pact_id, "refused", reasons=[str(e) for e in refused.errors])
    return Outcome(pact_id, "stored", footprint.id)


def _trim(text: str) -> str:
    return text if len(text) <= 255 else text[:255]


async def _again(session: AsyncSession, known: PactSupplierFootprint, status: str) -> Outcome:
    """A PACT id pulled before: nothing changes unless the host has deprecated it since."""
    if status == "Deprecated" and known.pact_status != "Deprecated":
        known.pact_status = "Deprecated"
        await _withdraw(session, known.footprint_id)
        return Outcome(known.pact_id, "deprecated", known.footprint_id)
    return Outcome(known.pact_id, "unchanged", known.footprint_id)


async def _withdraw(session: AsyncSession, footprint_id: int) -> None:
    await session.execute(
        update(Footprint)
        .where(Footprint.id == footprint_id, Footprint.status == FootprintStatus.PUBLISHED)
        .values(status=FootprintStatus.WITHDRAWN)
        .execution_options(synchronize_session=False)
    )


def _refused(field_path: str, reason: str) -> InvalidInput:
    return InvalidInput([FieldError(field_path, reason)])


async def _store(
    session: AsyncSession, host: str, doc: dict[str, Any], preceding: list[str], origin: Origin
) -> Footprint:
    owner = await _organization(session, host, doc["owner"]["iri"], OrgKind.ENTERPRISE, doc["owner"], origin)
    verification = doc.get("verification") or {}
    verifier = None
    if verification.get("verifier_iri"):
        verifier = await _organization(
            session, host, verification["verifier_iri"], OrgKind.VERIFIER, verification, origin
        )
    product = await _product(session, host, doc["product"], owner, origin)
    data = _footprint_input(doc, product.iri)
    found = problems("footprint", data) or consistency_problems(data)
    if found:
        raise InvalidInput(found)
    if await session.scalar(select(Footprint.id).where(Footprint.iri == doc["iri"])) is not None:
        raise _refused("$.iri", f"{doc['iri']} names a footprint this hub holds already (not from this PACT id)")
    previous = await _preceding(session, host, preceding)
    footprint = Footprint(
        iri=doc["iri"],
        product_id=product.id,
        version=previous.version + 1 if previous else 1,
        supersedes_id=previous.id if previous else None,
        status=FootprintStatus(doc["status"]),
        system_boundary=SystemBoundary(data["system_boundary"]),
        packaging_emissions_included=bool(data.get("packaging_emissions_included", False)),
        **{name: data.get(name) for name in plain_fields()},
        **{name: date.fromisoformat(data[name]) if data.get(name) else None for name in _DATES},
        **_verification(doc.get("verification")),
        verifier_id=verifier.id if verifier else None,
    )
    footprint.stages = [FootprintStage(stage=LifeCycleStage(s["stage"]), kgco2e=s["kgco2e"]) for s in data["stages"]]
    if previous is not None:
        await _withdraw(session, previous.id)
    stored = await add_new(session, footprint, origin, {"pact_host": host, "supersedes": previous and previous.iri})
    if doc.get("created_at"):  # the footprint's own creation time travels; when it was fetched is kept beside
        stored.created_at = instant(doc["created_at"])
    return stored


def _footprint_input(doc: dict[str, Any], product_iri: str) -> dict[str, Any]:
    names, _ = record_fields("footprint")
    data = {name: doc[name] for name in names if name in doc and doc[name] is not None}
    data.pop("supersedes_iri", None)  # the chain is followed by PACT id below, among this host's records
    data.pop("inventory", None)
    data["product_iri"] = product_iri
    return data


def _verification(verification: dict[str, Any] | None) -> dict[str, Any]:
    """The statement travels; the verifier itself is an organization of the host's, not of this hub."""
    if not verification:
        return {}
    at = verification.get("verified_at")
    return {
        "verified_at": date.fromisoformat(at) if at else None,
        "verification_statement": verification.get("statement"),
        "verification_standard": verification.get("standard"),
    }


async def _imported_from(session: AsyncSession, model: type[M], iri: str, host: str, field_path: str) -> M | None:
    """The record `iri` names if this host's pulls made it; a record of this hub (or of another host) by that
    IRI is refused, so a host cannot hang its data on someone else's."""
    found = await session.scalar(select(model).where(model.iri == iri))
    if found is None:
        return None
    if found.source is not SourceKind.IMPORT or not (found.source_ref or "").startswith(f"{host}/"):
        kind = model.__name__.lower()
        raise _refused(field_path, f"{iri} names an {kind} that was not pulled from {host}")
    return found


async def _organization(
    session: AsyncSession, host: str, iri: str, kind: OrgKind, values: dict[str, Any], origin: Origin
) -> Organization:
    field_path = "$.owner.iri" if kind is OrgKind.ENTERPRISE else "$.verification.verifier_iri"
    found = await _imported_from(session, Organization, iri, host, field_path)
    if found is not None:
        return found
    name = values.get("name_en") or values.get("verifier_name") or iri
    org = Organization(
        iri=iri,
        kind=kind,
        region=Region(values.get("region", "INTL")),
        name_zh=values.get("name_zh") or name,
        name_en=name,
        credit_code=None,  # a credit code is registered on this hub by its holder, never taken from a host
        accreditation=values.get("verifier_accreditation"),
    )
    return await add_new(session, org, origin)


async def _product(
    session: AsyncSession, host: str, product: dict[str, Any], owner: Organization, origin: Origin
) -> Product:
    found = await _imported_from(session, Product, product["iri"], host, "$.product.iri")
    if found is not None:
        if found.owner_id != owner.id:
            raise _refused("$.product.iri", f"{product['iri']} is a product of another owner")
        return found
    category = await category_by_code(session, product["category_code"], "$.product.category_code")
    record = Product(
        iri=product["iri"],
        owner_id=owner.id,
        category_id=category.id,
        name=product.get("name") or product["iri"],
        model=product.get("model"),
        gtin=product.get("gtin"),
        description=product.get("description"),
    )
    return await add_new(session, record, origin)


async def _preceding(session: AsyncSession, host: str, preceding: list[str]) -> Footprint | None:
    """The newest stored copy, from this host, of a PACT id the document succeeds (None when there is none)."""
    if not preceding:
        return None
    rows = await session.scalars(
        select(Footprint)
        .join(PactSupplierFootprint, PactSupplierFootprint.footprint_id == Footprint.id)
        .where(PactSupplierFootprint.host == host, PactSupplierFootprint.pact_id.in_(preceding))
        .order_by(Footprint.version.desc(), Footprint.id.desc())
    )
    for candidate in rows:
        if await session.scalar(select(Footprint.id).where(Footprint.supersedes_id == candidate.id)) is None:
            return candidate
    return None

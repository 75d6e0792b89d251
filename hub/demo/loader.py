"""Loads the demo data (hub/demo/data/*.yaml) through the same services that every other write uses.

The demo files hold activity data and factor keys. This module does no arithmetic beyond scaling a peer's
amounts: each demo footprint is submitted as inventory only, and the hub's own accounting
(hub/services/accounting.py) computes its lines, stages, total, parts and uncertainty, exactly as for an
enterprise's own submission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.clock import clock_of
from hub.db.models import EmissionFactor, Footprint, Label, Organization, Product
from hub.domain.codes import FootprintStatus, LabelStatus, SourceKind
from hub.labels import lifecycle
from hub.labels.periods import months_after
from hub.labels.walk import Cast, walk
from hub.mapping.functions import exact as exact_decimal
from hub.quality import stored as quality_stored
from hub.services import categories, decisions, factors, footprints, organizations, products, sharing
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.sources.demo import load_demo_sources

DATA = Path(__file__).resolve().parent / "data"
DEMO_SOURCE = "cfhub demo data (illustrative)"
VERIFIED_ON = date(2025, 3, 14)
PUBLISHED_STATUSES = {FootprintStatus.VERIFIED, FootprintStatus.PUBLISHED}

Progress = Callable[[str], None]


def _read(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@dataclass
class DemoCounts:
    categories: int = 0
    organizations: int = 0
    emission_factors: int = 0
    products: int = 0
    footprints: int = 0
    decisions: int = 0
    sharing_agreements: int = 0
    labels: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    labels_by_status: dict[str, int] = field(default_factory=dict)


@dataclass
class _Loaded:
    orgs: dict[str, Organization] = field(default_factory=dict)
    factors: dict[str, EmissionFactor] = field(default_factory=dict)
    footprints: dict[str, Footprint] = field(default_factory=dict)
    subdivisions: dict[str, str] = field(default_factory=dict)


def _origin(actor: str) -> Origin:
    return Origin(actor=actor, source=SourceKind.DEMO, source_ref=DEMO_SOURCE)


async def is_loaded(hub: Hub) -> bool:
    async with hub.sessions() as session:
        return bool(await session.scalar(select(func.count()).select_from(Organization)))


async def load_demo(hub: Hub, progress: Progress = lambda _msg: None) -> DemoCounts:
    """Load the whole demo in one transaction: either all of it lands or none of it does."""
    counts, loaded = DemoCounts(), _Loaded()
    base = hub.settings.base_iri
    system = _origin(f"{base}system")
    async with unit_of_work(hub.sessions) as session:
        counts.categories = await categories.load_key_products(session, system, base)
        progress(f"product categories: {counts.categories}")
        for row in _read("organizations.yaml"):
            data = {k: v for k, v in row.items() if k not in {"key", "subdivision"}}
            if "subdivision" in row:
                loaded.subdivisions[row["key"]] = row["subdivision"]
            loaded.orgs[row["key"]] = await organizations.create_organization(
                session, data, system, base, iri=f"{base}org/{row['key']}"
            )
        counts.organizations = len(loaded.orgs)
        progress(f"organizations: {counts.organizations}")
        # the other sources first: the quality checks made with the decisions compare footprints with them
        sources = await load_demo_sources(session, hub, loaded.orgs["zj-regulator"].iri)
        progress(f"source rows: {sources} (energy monitoring, verified reports)")
        ef_file = _read("emission-factors.yaml")
        for row in ef_file["factors"]:
            loaded.factors[row["key"]] = await factors.create_emission_factor(
                session, _factor_input(row, ef_file["defaults"]), system, base
            )
        counts.emission_factors = len(loaded.factors)
        progress(f"emission factors: {counts.emission_factors}")
        fp_file = _read("footprints.yaml")
        for template, peer in _peers(fp_file):
            footprint = await _load_peer(session, hub, template, peer, fp_file["defaults"], loaded)
            loaded.footprints[peer["key"]] = footprint
            counts.by_status[footprint.status.value] = counts.by_status.get(footprint.status.value, 0) + 1
            progress(
                f"footprint {peer['key']}: {footprint.total_kgco2e:.4g} kgCO2e per "
                f"{template['declared_unit']} ({footprint.status.value})"
            )
        counts.footprints = counts.products = len(loaded.footprints)
        ids = [fp.id for fp in loaded.footprints.values()]
        registry = await hub.documents.registry(session)  # shipped rule sets plus any published through the API
        decided = await decisions.decide_footprints(session, registry, ids, hub.clock.today(), system, base)
        counts.decisions = len(decided)
        progress(f"decisions: {counts.decisions} (label grades and recognition, with traces)")
        progress(await quality_stored.summary_line(session, ids))  # checked by decide_footprints (hub/quality)
        regulator = loaded.orgs["zj-regulator"]
        for row in _read("labels.yaml"):
            label = await _label(session, row, loaded, base)
            counts.labels_by_status[label.status.value] = counts.labels_by_status.get(label.status.value, 0) + 1
        counts.labels = sum(counts.labels_by_status.values())
        progress(f"labels: {counts.labels} ({', '.join(f'{n} {s}' for s, n in counts.labels_by_status.items())})")
        for row in _read("sharing-agreements.yaml"):
            data = {k: v for k, v in row.items() if k != "key"}
            await sharing.create_sharing_agreement(session, data, regulator, _origin(regulator.iri), base)
            counts.sharing_agreements += 1
        progress(f"sharing agreements: {counts.sharing_agreements}")
    return counts


def _factor_input(row: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    data = {
        **defaults,
        **{k: v for k, v in row.items() if k not in {"key", "value", "citation", "boundary"}},
        "value_kgco2e_per_unit": row["value"],
        "source_citation": f"{row['citation']}. Covers: {row['boundary']}; {row['gases_covered']} per {row['unit']}.",
    }
    return data


def _peers(fp_file: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for template in fp_file["products"]:
        for peer in template["peers"]:
            yield template, peer
        series = template.get("series")
        if not series:
            continue
        owners = series["owners"]
        for i, scale in enumerate(series["scales"], start=1):
            yield (
                template,
                {
                    "key": f"{template['template']}-s{i}",
                    "owner": owners[(i - 1) % len(owners)],
                    "model": f"{series['model']}-{i}",
                    "scale": scale,
                    "status": "published",
                    "verifier": "cert-accredited",
                },
            )


async def _load_peer(
    session: AsyncSession,
    hub: Hub,
    template: dict[str, Any],
    peer: dict[str, Any],
    defaults: dict[str, Any],
    loaded: _Loaded,
) -> Footprint:
    base = hub.settings.base_iri
    owner = loaded.orgs[peer["owner"]]
    origin = _origin(owner.iri)
    product = await products.create_product(
        session,
        {
            k: v
            for k, v in {
                "category_code": template["category_code"],
                "name": template["name"],
                "model": peer.get("model"),
                "gtin": peer.get("gtin"),
            }.items()
            if v is not None
        },
        owner,
        origin,
        base,
    )
    data = footprint_input(template, peer, defaults, product.iri, loaded.subdivisions[peer["owner"]], loaded)
    footprint = await footprints.create_footprint(session, data, origin, base)
    return await _advance(session, footprint, FootprintStatus(peer["status"]), peer, loaded, origin)


def footprint_input(
    template: dict[str, Any],
    peer: dict[str, Any],
    defaults: dict[str, Any],
    product_iri: str,
    subdivision: str,
    loaded: _Loaded,
) -> dict[str, Any]:
    """The footprint submission a peer would make, in the Zhejiang input vocabulary."""
    scale = float(peer["scale"])
    lines = [_line(spec, scale, loaded, subdivision) for spec in template["inventory"]]
    year = int(peer.get("reference_year", defaults["reference_year"]))
    dqr = template["dqr"]
    data: dict[str, Any] = {
        "product_iri": product_iri,
        "declared_unit": template["declared_unit"],
        "declared_unit_amount": template["declared_unit_amount"],
        "product_mass_kg_per_declared_unit": template["product_mass_kg_per_declared_unit"],
        "fossil_carbon_content_kgc": template.get("fossil_carbon_content_kgc", 0.0),
        "ipcc_characterization_factors": defaults["ipcc_characterization_factors"],
        "exempted_emissions_percent": defaults["exempted_emissions_percent"],
        "ccs_technological_co2_capture_included": defaults["ccs_technological_co2_capture_included"],
        "mass_balancing_used": defaults["mass_balancing_used"],
        "waste_incineration_allocation": defaults["waste_incineration_allocation"],
        "system_boundary": template["system_boundary"],
        "reference_period_start": f"{year}-01-01",
        "reference_period_end": f"{year}-12-31",
        "geography_country": "CN",
        "geography_subdivision": subdivision,
        "accounting_standards": defaults["accounting_standards"],
        "general_rules": defaults["general_rules"],
        "primary_data_share_percent": template["primary_data_share_percent"],
        "dqr_technological": dqr[0],
        "dqr_geographical": dqr[1],
        "dqr_temporal": dqr[2],
        "inventory": lines,
        "comment": "Illustrative demo footprint: figures computed by the hub's accounting from demo emission factors.",
    }
    optional = (
        "industry_rules",
        "product_rules",
        "boundary_description",
        "biogenic_carbon_content_kgc",
        "biogenic_uptake_kgco2e",
        "packaging_emissions_included",
        "battery_capacity_kwh",
        "battery_lifetime_energy_kwh",
        "comment",
    )
    data.update({name: template[name] for name in optional if name in template})
    if "product_rules" in peer:
        data["product_rules"] = peer["product_rules"]
    return data


def _line(spec: dict[str, Any], scale: float, loaded: _Loaded, subdivision: str) -> dict[str, Any]:
    """An inventory line citing its factor or supplier footprint; the hub computes its kgCO2e."""
    line = {
        "stage": spec["stage"],
        "activity": spec["activity"],
        "amount": float(exact_decimal(spec["amount"]) * exact_decimal(scale)),  # 1.1 x 3 is 3.3
        "unit": spec["unit"],
    }
    if "supplier" in spec:
        return {**line, "supplier_footprint_iri": loaded.footprints[spec["supplier"]].iri}
    key = spec["factor"]  # a factor key, or {subdivision: key, default: key} where the grid differs by region
    factor = loaded.factors[key if isinstance(key, str) else key.get(subdivision, key["default"])]
    return {**line, "emission_factor_iri": factor.iri}


async def _advance(
    session: AsyncSession,
    footprint: Footprint,
    target: FootprintStatus,
    peer: dict[str, Any],
    loaded: _Loaded,
    origin: Origin,
) -> Footprint:
    """Take a new draft along its life to `target`, each step by the one who takes it in the hub."""
    if target is FootprintStatus.DRAFT:
        return footprint
    verifier = loaded.orgs[peer["verifier"]]
    await footprints.submit(session, footprint, verifier, origin)
    if target is FootprintStatus.SUBMITTED:
        return footprint
    await footprints.verify(
        session,
        footprint,
        verifier,
        "Demo verification: inventory and factors checked against GB/T 24067-2024.",
        VERIFIED_ON,
        _origin(verifier.iri),
        standard="ISO 14064-3:2019",
    )
    if target in (FootprintStatus.PUBLISHED, FootprintStatus.WITHDRAWN):
        regulator = loaded.orgs["zj-regulator"]
        await footprints.move(session, footprint, FootprintStatus.PUBLISHED, _origin(regulator.iri))
    if target is FootprintStatus.WITHDRAWN:
        await footprints.move(session, footprint, FootprintStatus.WITHDRAWN, origin, {"reason": "superseded (demo)"})
    return footprint


async def _label(session: AsyncSession, row: dict[str, Any], loaded: _Loaded, base: str) -> Label:
    """Take a label to the state the demo names, step by step as its owner, certification body and regulator
    would, `months_ago` before the hub's today (an expired label was issued longer ago than it is valid)."""
    footprint = loaded.footprints[row["footprint"]]
    owner = await session.scalar(
        select(Organization)
        .join(Product, Product.owner_id == Organization.id)
        .where(Product.id == footprint.product_id)
    )
    assert owner is not None
    cast = Cast(
        owner,
        loaded.orgs[row.get("certifier", "cert-accredited")],
        loaded.orgs["zj-regulator"],
        SourceKind.DEMO,
        DEMO_SOURCE,
    )
    today = clock_of(session).today()
    status = LabelStatus(row["status"])
    walked = LabelStatus.ISSUED if status is LabelStatus.EXPIRED else status
    on = months_after(today, -int(row.get("months_ago", 0)))
    label = await walk(session, footprint, walked, cast, row["scheme"], row.get("reason", "Demo."), base, on)
    if status is LabelStatus.EXPIRED:
        await lifecycle.expire_due(session, _origin(f"{base}system"), base, today)
    return label

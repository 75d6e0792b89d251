"""Storing PACT footprints as supplier footprints (hub/pact/supplier.py), on a real database: provenance, a
second pull that writes nothing, a deprecation, a newer PACT version that supersedes, refusals that name the
field and write nothing, a host that tries to hang its data on this hub's records, and an enterprise that
cites a pulled footprint in its inventory."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Base, Footprint, Organization, PactSupplierFootprint, Product, ProductCategory
from hub.domain.codes import FootprintStatus, OrgKind, Region
from hub.exchange.documents import footprint_documents
from hub.pact.supplier import Outcome, store_pact_footprint
from hub.services.footprints import create_footprint
from hub.services.origin import Origin
from hub.services.products import create_product
from hub.services.uow import unit_of_work
from hub.validation import record_fields
from tests.pact.pact_hubs import prepare_zj

CASES = Path(__file__).resolve().parents[2] / "mappings" / "pact" / "cases" / "import"
HOST = "https://supplier.example"


def clinker() -> dict[str, Any]:
    return json.loads((CASES / "kp28-clinker.input.json").read_text(encoding="utf-8"))


@pytest.fixture
async def hub(empty_db_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    found = open_hub(Settings(database_url=empty_db_url, key_dir=tmp_path))
    await prepare_zj(found)
    yield found
    await found.close()


async def store(hub: Hub, document: Any, host: str = HOST) -> Outcome:
    async with unit_of_work(hub.sessions) as session:
        return await store_pact_footprint(session, host, document, "https://zj.example/org/zj-buyer")


async def rows(hub: Hub) -> dict[str, int]:
    async with hub.sessions() as session:
        return {
            t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


async def footprint(hub: Hub, key: int) -> Footprint:
    async with hub.sessions() as session:
        return await session.get_one(Footprint, key)


async def test_a_stored_footprint_keeps_its_provenance_and_storing_it_again_writes_nothing(hub: Hub) -> None:
    first = await store(hub, clinker())
    assert (first.kind, first.reasons) == ("stored", [])
    before = await rows(hub)
    again = await store(hub, clinker())
    assert (again.kind, again.footprint_id) == ("unchanged", first.footprint_id)
    assert await rows(hub) == before
    async with hub.sessions() as session:
        row = await session.scalar(select(PactSupplierFootprint))
    assert row is not None
    assert (row.host, row.pact_id, row.pact_status) == (HOST, clinker()["id"], "Active")
    assert row.pact_created == clinker()["created"]
    stored = await footprint(hub, first.footprint_id or 0)
    assert stored.status is FootprintStatus.PUBLISHED and stored.source_ref == f"{HOST}/3/footprints/{clinker()['id']}"


async def test_a_deprecated_pact_footprint_is_withdrawn_here(hub: Hub) -> None:
    first = await store(hub, clinker())
    deprecated = {**clinker(), "status": "Deprecated"}
    assert (await store(hub, deprecated)).kind == "deprecated"
    assert (await footprint(hub, first.footprint_id or 0)).status is FootprintStatus.WITHDRAWN


def newer(document: dict[str, Any], total: str) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out["id"] = str(uuid.uuid4())
    out["precedingPfIds"] = [document["id"]]
    out["pcf"]["pcfExcludingBiogenicUptake"] = total
    out["extensions"][0]["data"]["sourceIri"] = f"https://gba.example/id/footprint/{out['id']}"
    stages = out["extensions"][0]["data"]["stages"]
    scale = float(total) / sum(s["kgco2e"] for s in stages)
    for s in stages:
        s["kgco2e"] = s["kgco2e"] * scale
    return out


async def test_a_newer_pact_version_supersedes_the_stored_one(hub: Hub) -> None:
    old = await store(hub, clinker())
    new_doc = newer(clinker(), "900")
    new = await store(hub, new_doc)
    assert new.kind == "stored", new.reasons
    stored = await footprint(hub, new.footprint_id or 0)
    assert (stored.version, stored.supersedes_id, stored.total_kgco2e) == (2, old.footprint_id, 900)
    assert (await footprint(hub, old.footprint_id or 0)).status is FootprintStatus.WITHDRAWN
    # a third version naming both before it follows the chain's head
    third = await store(hub, {**newer(new_doc, "880"), "precedingPfIds": [clinker()["id"], new_doc["id"]]})
    assert (await footprint(hub, third.footprint_id or 0)).supersedes_id == new.footprint_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["pcf"].update(pcfExcludingBiogenicUptake="1e3"), "pcf/pcfExcludingBiogenicUptake"),
        (lambda d: d["pcf"].update(pcfExcludingBiogenicUptake="NaN"), "pcf/pcfExcludingBiogenicUptake"),
        (lambda d: d.pop("pcf"), "(record)"),
        (lambda d: d.update(status="Retired"), "status"),
        (lambda d: d.update(id="not-a-uuid"), "id"),
        (lambda d: d["extensions"][0]["data"].pop("systemBoundary"), "system_boundary"),
        (lambda d: d["pcf"].update(declaredUnitOfMeasurement="hour"), "declared_unit"),
    ],
)
async def test_a_record_that_is_not_valid_is_refused_naming_the_field_and_nothing_is_written(
    hub: Hub, change: Any, field: str
) -> None:
    document = clinker()
    change(document)
    before = await rows(hub)
    outcome = await store(hub, document)
    assert outcome.kind == "refused" and outcome.footprint_id is None
    assert any(r.startswith(field) for r in outcome.reasons), outcome.reasons
    assert await rows(hub) == before


async def _local_enterprise(hub: Hub) -> Organization:
    async with hub.sessions() as session:
        found = await session.scalar(select(Organization).where(Organization.iri.endswith("org/zj-buyer")))
    assert found is not None
    return found


async def _local_product(hub: Hub) -> Product:
    owner = await _local_enterprise(hub)
    async with unit_of_work(hub.sessions) as session:
        data = {"name": "Cement", "category_code": "KP-28"}
        return await create_product(session, data, owner, Origin(actor=owner.iri), hub.settings.base_iri)


async def _direct(hub: Hub, record: Organization | Product) -> None:
    async with unit_of_work(hub.sessions) as session:
        Origin(actor="https://zj.example/org/zj-regulator").stamp(record)
        session.add(record)


def renamed(owner: str, product: str, source_iri: str | None = None) -> dict[str, Any]:
    document = {**clinker(), "id": str(uuid.uuid4()), "companyIds": [owner], "productIds": [product]}
    document["extensions"][0]["data"].pop("verifierIri")  # the verifier another host's record brought along
    if source_iri:
        document["extensions"][0]["data"]["sourceIri"] = source_iri
    return document


async def test_a_host_cannot_hang_its_footprints_on_this_hubs_records(hub: Hub) -> None:
    """PACT names owners and products by URN: a host that names a record of this hub by its URN, or a footprint
    this hub holds in cfhub's extension, is refused, and nothing is written."""
    local = Organization(iri="urn:cfhub:org:local", kind=OrgKind.ENTERPRISE, region=Region.ZJ, name_zh="c", name_en="c")
    await _direct(hub, local)
    await _direct(
        hub, Product(iri="urn:cfhub:product:local", owner_id=local.id, category_id=await _kp28(hub), name="x")
    )
    held = await store(hub, clinker(), "https://third.example")  # a footprint this hub holds
    assert held.kind == "stored"
    before = await rows(hub)
    for document, field in [
        (
            renamed("urn:cfhub:org:local", "urn:cfhub:product:new"),
            "$.owner.iri: urn:cfhub:org:local names an organization",
        ),
        (renamed("urn:cfhub:org:new", "urn:cfhub:product:local"), "$.product.iri: urn:cfhub:product:local names a"),
        (
            renamed("urn:cfhub:org:new", "urn:cfhub:product:new", clinker()["extensions"][0]["data"]["sourceIri"]),
            "$.iri",
        ),
    ]:
        outcome = await store(hub, document)
        assert outcome.kind == "refused" and outcome.reasons[0].startswith(field), outcome.reasons
    assert await rows(hub) == before


async def test_a_host_cannot_reuse_another_hosts_records(hub: Hub) -> None:
    assert (await store(hub, clinker(), "https://other-host.example")).kind == "stored"
    before = await rows(hub)
    refused = await store(hub, {**clinker(), "id": str(uuid.uuid4())})
    assert refused.kind == "refused"
    assert refused.reasons[0].startswith("$.owner.iri: urn:cfhub:org:demo-cement names an organization that was not")
    assert await rows(hub) == before


async def _kp28(hub: Hub) -> int:
    async with hub.sessions() as session:
        return int(await session.scalar(select(ProductCategory.id).where(ProductCategory.code == "KP-28")) or 0)


async def test_an_enterprise_cites_a_pulled_footprint_in_its_inventory(hub: Hub) -> None:
    pulled = await store(hub, clinker())
    product = await _local_product(hub)
    async with hub.sessions() as session:
        [supplier] = await footprint_documents(session, [pulled.footprint_id or 0])
    names, _ = record_fields("footprint")
    total = supplier["total_kgco2e"] * 2
    # the parts (fossil, biogenic, land use change) are left to the hub, which rolls up the supplier's
    parts = ("fossil_kgco2e", "biogenic_kgco2e", "land_use_change_kgco2e")
    data = {k: supplier[k] for k in names if k in supplier and k not in ("supersedes_iri", "stages", *parts)}
    data.update(
        product_iri=product.iri,
        total_kgco2e=total,
        total_including_biogenic_uptake_kgco2e=total,
        stages=[{"stage": "raw_material_acquisition", "kgco2e": total}],
        inventory=[
            {
                "stage": "raw_material_acquisition",
                "activity": "Clinker bought from the supplier",
                "amount": 2,
                "unit": "t",
                "supplier_footprint_iri": supplier["iri"],
                "kgco2e": total,
            }
        ],
    )
    owner = await _local_enterprise(hub)
    async with unit_of_work(hub.sessions) as session:
        mine = await create_footprint(session, data, Origin(actor=owner.iri), hub.settings.base_iri)
        await session.refresh(mine, ["inventory"])
        assert [line.supplier_footprint_id for line in mine.inventory] == [pulled.footprint_id]
        assert (mine.fossil_kgco2e, mine.biogenic_kgco2e) == (
            supplier["fossil_kgco2e"] * 2,
            supplier["biogenic_kgco2e"] * 2,
        )

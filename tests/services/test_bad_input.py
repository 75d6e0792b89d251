"""Bad input is refused with an error naming the field and the reason, and nothing is written."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.db.models import AuditEvent, Base, Footprint, Organization, Product
from hub.domain.codes import SourceKind
from hub.services import footprints, organizations, products
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput

ACTOR = Origin(actor="https://test.example/org/tester", source=SourceKind.DIRECT)


async def _counts(hub: Hub) -> dict[str, int]:
    async with hub.sessions() as session:
        return {
            t.name: await session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


async def _a_footprint_input(hub: Hub) -> dict[str, Any]:
    async with hub.sessions() as session:
        product = await session.scalar(select(Product).order_by(Product.id).limit(1))
        assert product is not None
        iri = product.iri
    return {
        "product_iri": iri,
        "declared_unit": "kWh",
        "declared_unit_amount": 1,
        "product_mass_kg_per_declared_unit": 6.5,
        "total_kgco2e": 90.0,
        "total_including_biogenic_uptake_kgco2e": 90.0,
        "fossil_kgco2e": 90.0,
        "fossil_carbon_content_kgc": 0,
        "ipcc_characterization_factors": ["AR6"],
        "exempted_emissions_percent": 0,
        "system_boundary": "cradle_to_gate",
        "reference_period_start": "2024-01-01",
        "reference_period_end": "2024-12-31",
        "geography_country": "CN",
        "accounting_standards": ["GB/T 24067-2024"],
        "stages": [
            {"stage": "raw_material_acquisition", "kgco2e": 70.0},
            {"stage": "production", "kgco2e": 20.0},
        ],
    }


async def _refused(hub: Hub, data: dict[str, Any]) -> InvalidInput:
    before = await _counts(hub)
    with pytest.raises(InvalidInput) as refused:
        async with unit_of_work(hub.sessions) as session:
            await footprints.create_footprint(session, data, ACTOR, hub.settings.base_iri)
    assert await _counts(hub) == before, "a refused write must leave every table as it was"
    return refused.value


async def test_a_valid_footprint_is_stored_as_a_draft_with_an_audit_event(demo_hub: Hub) -> None:
    before = await _counts(demo_hub)
    data = await _a_footprint_input(demo_hub)
    async with unit_of_work(demo_hub.sessions) as session:
        fp = await footprints.create_footprint(session, data, ACTOR, demo_hub.settings.base_iri)
        iri = fp.iri
    after = await _counts(demo_hub)
    assert after["footprint"] == before["footprint"] + 1
    assert after["footprint_stage"] == before["footprint_stage"] + 2
    assert after["audit_event"] == before["audit_event"] + 1
    async with demo_hub.sessions() as session:
        stored = await session.scalar(select(Footprint).where(Footprint.iri == iri))
        assert stored is not None
        assert (stored.status.value, stored.created_by, stored.source) == ("draft", ACTOR.actor, SourceKind.DIRECT)
        assert stored.version == 1  # versions count a footprint's own supersedes chain, not the product's others
        assert iri.startswith(demo_hub.settings.base_iri + "footprint/")


async def test_negative_total_is_refused(demo_hub: Hub) -> None:
    data = await _a_footprint_input(demo_hub)
    data["total_kgco2e"] = -1
    error = await _refused(demo_hub, data)
    assert [(e.path, e.reason) for e in error.errors if e.path == "$.total_kgco2e"] == [
        ("$.total_kgco2e", "-1 is less than the minimum of 0")
    ]


async def test_declared_unit_without_amount_is_refused(demo_hub: Hub) -> None:
    data = await _a_footprint_input(demo_hub)
    del data["declared_unit_amount"]
    error = await _refused(demo_hub, data)
    assert [(e.path, e.reason) for e in error.errors] == [("$.declared_unit_amount", "is required")]


async def test_stages_that_do_not_add_up_are_refused(demo_hub: Hub) -> None:
    data = await _a_footprint_input(demo_hub)
    data["stages"][1]["kgco2e"] = 25.0
    error = await _refused(demo_hub, data)
    assert [(e.path, e.reason) for e in error.errors] == [("$.stages", "add up to 95 kgCO2e, but total_kgco2e is 90")]


async def test_unknown_product_and_unknown_fields_are_named(demo_hub: Hub) -> None:
    data = await _a_footprint_input(demo_hub)
    data["product_iri"] = "https://elsewhere.example/product/1"
    error = await _refused(demo_hub, data)
    assert error.errors[0].path == "$.product_iri"
    assert "names no product you may read" in error.errors[0].reason
    data = await _a_footprint_input(demo_hub)
    data["totl_kgco2e"] = 1
    error = await _refused(demo_hub, data)
    assert [(e.path, e.reason) for e in error.errors] == [("$.totl_kgco2e", "is not a known field")]


async def test_a_failure_late_in_a_unit_of_work_rolls_back_the_earlier_writes(demo_hub: Hub) -> None:
    before = await _counts(demo_hub)
    good = await _a_footprint_input(demo_hub)
    bad = copy.deepcopy(good)
    bad["stages"][0]["stage"] = "production"  # a stage given twice
    with pytest.raises(InvalidInput) as refused:
        async with unit_of_work(demo_hub.sessions) as session:
            await footprints.create_footprint(session, good, ACTOR, demo_hub.settings.base_iri)
            await footprints.create_footprint(session, bad, ACTOR, demo_hub.settings.base_iri)
    assert ("$.stages[1].stage", "production appears twice") in [(e.path, e.reason) for e in refused.value.errors]
    assert await _counts(demo_hub) == before


async def test_unknown_category_code_is_refused(demo_hub: Hub) -> None:
    before = await _counts(demo_hub)
    async with demo_hub.sessions() as session:
        owner = await session.scalar(select(Organization).where(Organization.iri.endswith("org/zj-battery")))
    assert owner is not None
    for code, reason in [
        ("KP-99", "is not a known product category code: KP-99"),
        (
            "IND-17",
            "'IND-17' does not match '^KP-[0-9]{2}$': A key-product category code (schema/codelists/key-products.csv).",
        ),
    ]:
        with pytest.raises(InvalidInput) as refused:
            async with unit_of_work(demo_hub.sessions) as session:
                await products.create_product(
                    session, {"category_code": code, "name": "x"}, owner, ACTOR, demo_hub.settings.base_iri
                )
        assert [(e.path, e.reason) for e in refused.value.errors] == [("$.category_code", reason)]
    assert await _counts(demo_hub) == before


async def test_wrong_credit_code_is_refused(empty_hub: Hub) -> None:
    data = {
        "kind": "enterprise",
        "region": "ZJ",
        "name_zh": "测试",
        "name_en": "Test",
        "credit_code": "913305008MA28K7Q39",
    }
    with pytest.raises(InvalidInput) as refused:
        async with unit_of_work(empty_hub.sessions) as session:
            await organizations.create_organization(session, data, ACTOR, empty_hub.settings.base_iri)
    assert [(e.path, e.reason) for e in refused.value.errors] == [
        ("$.credit_code", "is not a valid cn-uscc: check character is '9', expected '8'")
    ]
    del data["credit_code"]
    with pytest.raises(InvalidInput) as refused:
        async with unit_of_work(empty_hub.sessions) as session:
            await organizations.create_organization(session, data, ACTOR, empty_hub.settings.base_iri)
    assert [(e.path, e.reason) for e in refused.value.errors] == [("$.credit_code", "is required")]
    # every table empty but data_version, which always holds its one row (migration 0020)
    assert await _counts(empty_hub) == {t.name: int(t.name == "data_version") for t in Base.metadata.sorted_tables}


async def test_audit_chain_of_the_demo_verifies_and_detects_an_edit(demo_hub: Hub) -> None:
    from hub.services.audit import verify_chain

    async with demo_hub.sessions() as session:
        check = await verify_chain(session)
        assert check.ok and check.events > 50
        victim = await session.scalar(select(AuditEvent).order_by(AuditEvent.id).offset(10).limit(1))
        assert victim is not None
        victim.actor = "https://intruder.example/"
        await session.commit()
        broken = await verify_chain(session)
    assert (broken.ok, broken.first_broken_id) == (False, victim.id)
    assert "does not match its hash" in (broken.reason or "")

"""Mutations: the footprint's life from draft to label, typed errors naming fields, one transaction per
write (nothing changes on failure), and an audit event for every write and every read of inventory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from hub.auth.principal import Principal, Role
from hub.db.models import AuditEvent, Footprint, Product
from hub.services.audit import verify_chain
from tests.api.payloads import footprint_input


def bearer(client: Any, role: Role, key: str) -> dict[str, str]:
    region = {"yrd-platform": "YRD"}.get(key, "ZJ")
    p = Principal(role, client.hub.settings.base_iri + f"org/{key}", region)
    return {"Authorization": f"Bearer {client.hub.tokens.issue(p)}"}


async def run(client: Any, query: str, headers: dict[str, str], variables: dict[str, Any] | None = None) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


CREATE_PRODUCT = """mutation($i: ProductInput!) { createProduct(input: $i) {
  product { id name owner { id } category { code } } errors { path reason } } }"""
CREATE_FOOTPRINT = """mutation($d: JSON!) { createFootprint(data: $d) {
  footprint { id status totalKgco2e inventory { id activity } } errors { path reason } } }"""
FACTOR = """{ emissionFactors(filter: {units: ["kWh"]}, first: 1) { edges { node { id valueKgco2ePerUnit } } } }"""


async def _count(client: Any, model: Any) -> int:
    async with client.hub.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_a_footprint_from_draft_to_revoked_label(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-battery")
        body = await run(client, CREATE_PRODUCT, ent, {"i": {"categoryCode": "KP-46", "name": "New pack"}})
        product = body["data"]["createProduct"]["product"]
        assert body["data"]["createProduct"]["errors"] == []
        assert product["owner"]["id"].endswith("org/zj-battery") and product["category"]["code"] == "KP-46"

        factor = (await run(client, FACTOR, ent))["data"]["emissionFactors"]["edges"][0]["node"]
        data = footprint_input(product["id"], factor["id"], 10.0, factor["valueKgco2ePerUnit"])
        body = await run(client, CREATE_FOOTPRINT, ent, {"d": data})
        fp = body["data"]["createFootprint"]["footprint"]
        assert fp["status"] == "draft" and len(fp["inventory"]) == 1

        verifier_iri = client.hub.settings.base_iri + "org/cert-accredited"
        body = await run(
            client,
            "mutation($f: ID!, $v: ID!) { submitFootprint(footprintId: $f, verifierId: $v) "
            "{ footprint { status verifier { id } } errors { path } } }",
            ent,
            {"f": fp["id"], "v": verifier_iri},
        )
        assert body["data"]["submitFootprint"]["footprint"] == {
            "status": "submitted",
            "verifier": {"id": verifier_iri},
        }

        # another verifier cannot even see it; the assigned one reads the inventory and verifies
        other = bearer(client, Role.VERIFIER, "consult-unaccredited")
        verify = (
            'mutation($f: ID!) { verifyFootprint(footprintId: $f, statement: "Checked.") '
            "{ footprint { status } errors { path reason } } }"
        )
        body = await run(client, verify, other, {"f": fp["id"]})
        assert body["data"]["verifyFootprint"]["errors"][0]["path"] == "$.footprint_id"
        assigned = bearer(client, Role.VERIFIER, "cert-accredited")
        lines = await run(
            client,
            "query($f: ID!) { node(id: $f) { ... on Footprint { inventory { activity } } } }",
            assigned,
            {"f": fp["id"]},
        )
        assert lines["data"]["node"]["inventory"][0]["activity"] == data["inventory"][0]["activity"]
        body = await run(client, verify, assigned, {"f": fp["id"]})
        assert body["data"]["verifyFootprint"] == {"footprint": {"status": "verified"}, "errors": []}

        # the enterprise may not publish; the regulator does, then labels it
        publish = "mutation($f: ID!) { publishFootprint(footprintId: $f) { footprint { status } errors { path } } }"
        refused = await run(client, publish, ent, {"f": fp["id"]})
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        reg = bearer(client, Role.REGULATOR, "zj-regulator")
        assert (await run(client, publish, reg, {"f": fp["id"]}))["data"]["publishFootprint"]["footprint"][
            "status"
        ] == "published"
        # publishing decided the footprint again; a battery declared per kg is not graded (KP-46 rules: per
        # kWh), so no label can carry a grade for it, and the refusal says why
        certifier = client.hub.settings.base_iri + "org/cert-accredited"
        apply = """mutation($f: ID!, $c: ID!) {
          applyForLabel(footprintId: $f, input: {certifierId: $c, scheme: "ZJ-PCF"})
          { label { id status grade score decidedByRuleset serial } errors { path reason } } }"""
        refused = (await run(client, apply, ent, {"f": fp["id"], "c": certifier}))["data"]["applyForLabel"]
        assert refused["label"] is None and refused["errors"][0]["path"] == "$.footprint_id"
        assert "was not graded by label-grade-zj-kp-46" in refused["errors"][0]["reason"]
        assert "declared_unit_known" in refused["errors"][0]["reason"]

        # a published demo battery per kWh is graded: its label carries the decision's grade and score
        graded = await run(
            client,
            'query { footprints(first: 1, filter: {categoryCodes: ["KP-46"], statuses: ["published"]}) '
            "{ edges { node { id decisions { kind grade score rulesetId } } } } }",
            reg,
        )
        node = graded["data"]["footprints"]["edges"][0]["node"]
        decision = next(d for d in node["decisions"] if d["kind"] == "label_grade")
        body = (await run(client, apply, ent, {"f": node["id"], "c": certifier}))["data"]["applyForLabel"]
        assert body["errors"] == [] and body["label"]["status"] == "applied" and body["label"]["serial"] is None
        label_id = body["label"]["id"]
        steps = [
            ('certifyLabel(labelId: $l, statement: "Reviewed.")', assigned, "certified"),
            ("fileLabel(labelId: $l)", reg, "filed"),
            ("issueLabel(labelId: $l)", reg, "issued"),
        ]
        for call, who, status in steps:
            fields = "label { status serial grade score decidedByRuleset } errors { path reason }"
            query = f"mutation($l: ID!) {{ {call} {{ {fields} }} }}"
            [body] = (await run(client, query, who, {"l": label_id}))["data"].values()
            assert body["errors"] == [] and body["label"]["status"] == status, body
        label = body["label"]
        assert label["serial"].startswith("ZJ-PCF-")
        assert (label["grade"], label["score"], label["decidedByRuleset"]) == (
            decision["grade"],
            decision["score"],
            decision["rulesetId"],
        )
        suspend = (
            'mutation($l: ID!) { suspendLabel(labelId: $l, reason: "audit") { label { status } errors { path } } }'
        )
        revoke = (
            'mutation($l: ID!) { revokeLabel(labelId: $l, reason: "fraud") '
            "{ label { status } errors { path reason } } }"
        )
        assert (await run(client, suspend, reg, {"l": label_id}))["data"]["suspendLabel"]["label"][
            "status"
        ] == "suspended"
        assert (await run(client, revoke, reg, {"l": label_id}))["data"]["revokeLabel"]["label"]["status"] == "revoked"
        again = (await run(client, revoke, reg, {"l": label_id}))["data"]["revokeLabel"]
        assert again["label"] is None and again["errors"][0]["path"] == "$.status"

        # every write and the inventory read left an event, and the chain holds
        async with client.hub.sessions() as session:
            actions = list(
                await session.scalars(
                    select(AuditEvent.action).where(AuditEvent.id > 0).order_by(AuditEvent.id.desc()).limit(13)
                )
            )
            check = await verify_chain(session)
        assert actions[:10] == [
            "label:revoke",
            "label:suspend",
            "label:issue",
            "label:file",
            "label:certify",
            "label:apply",
            "status:published",
            "status:verified",
            "read:inventory",
            "status:submitted",
        ]
        assert check.ok


async def test_input_errors_name_their_fields_and_change_nothing(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-battery")
        products_before, events_before = await _count(client, Product), await _count(client, AuditEvent)
        body = await run(client, CREATE_PRODUCT, ent, {"i": {"categoryCode": "IND-01", "name": "x"}})
        assert body["data"]["createProduct"]["product"] is None
        assert [e["path"] for e in body["data"]["createProduct"]["errors"]] == ["$.category_code"]
        # a footprint whose second problem is found only after rows were added to the session
        product = (await run(client, CREATE_PRODUCT, ent, {"i": {"categoryCode": "KP-46", "name": "P"}}))["data"][
            "createProduct"
        ]["product"]
        footprints_before = await _count(client, Footprint)
        events_mid = await _count(client, AuditEvent)
        data = footprint_input(product["id"], client.hub.settings.base_iri + "factor/missing", 1.0, 1.0)
        body = await run(client, CREATE_FOOTPRINT, ent, {"d": data})
        errors = body["data"]["createFootprint"]["errors"]
        assert errors == [{"path": "$.inventory[0].emission_factor_iri", "reason": errors[0]["reason"]}]
        assert await _count(client, Footprint) == footprints_before
        assert await _count(client, AuditEvent) == events_mid
        bad = {k: v for k, v in data.items() if k != "declared_unit"} | {"total_kgco2e": -1}
        paths = {
            e["path"]
            for e in (await run(client, CREATE_FOOTPRINT, ent, {"d": bad}))["data"]["createFootprint"]["errors"]
        }
        assert {"$.declared_unit", "$.total_kgco2e"} <= paths
        assert await _count(client, Product) == products_before + 1
        assert events_before + 1 == events_mid


async def test_an_enterprise_cannot_write_to_another_enterprises_product(asgi: Any) -> None:
    async with asgi() as client:
        async with client.hub.sessions() as session:
            other = await session.scalar(
                select(Product.iri).where(Product.created_by == client.hub.settings.base_iri + "org/zj-pv").limit(1)
            )
        ent = bearer(client, Role.ENTERPRISE, "zj-battery")
        body = await run(client, CREATE_FOOTPRINT, ent, {"d": footprint_input(other, "urn:x", 1.0, 1.0)})
        assert body.get("errors"), body
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] is None  # the payload is non-null: the refusal nulls the whole response


async def test_reading_inventory_is_audited(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-battery")
        before = await _count(client, AuditEvent)
        async with client.hub.sessions() as session:
            newest = await session.scalar(select(func.max(AuditEvent.id)))  # a key, not a count
        body = await run(client, "{ footprints(first: 3) { edges { node { id inventory { id } } } } }", ent)
        read = [e["node"]["id"] for e in body["data"]["footprints"]["edges"] if e["node"]["inventory"]]
        async with client.hub.sessions() as session:
            events = list(
                await session.scalars(select(AuditEvent).where(AuditEvent.id > newest).order_by(AuditEvent.id))
            )
        assert read and [e.record_iri for e in events] == read
        assert {(e.action, e.actor) for e in events} == {
            ("read:inventory", client.hub.settings.base_iri + "org/zj-battery")
        }
        assert all(e.detail["lines"] for e in events)
        # no inventory line read (forbidden to this role): no event
        platform = bearer(client, Role.REGIONAL_PLATFORM, "yrd-platform")
        await run(client, "{ footprints(first: 3) { edges { node { id inventory { id } } } } }", platform)
        assert await _count(client, AuditEvent) == before + len(events)


def test_editing_one_audit_event_is_detected(demo_db_url: str) -> None:
    from click.testing import CliRunner

    from hub.cli import main
    from hub.db.engine import make_engine

    result = CliRunner().invoke(main, ["audit", "verify"], env={"CFHUB_DATABASE_URL": demo_db_url})
    assert result.exit_code == 0 and "audit chain intact" in result.output
    engine = make_engine(demo_db_url)
    with engine.begin() as conn:
        target = conn.scalar(select(AuditEvent.id).order_by(AuditEvent.id).offset(5).limit(1))
        conn.execute(update(AuditEvent).where(AuditEvent.id == target).values(actor="someone else"))
    engine.dispose()
    result = CliRunner().invoke(main, ["audit", "verify"], env={"CFHUB_DATABASE_URL": demo_db_url})
    assert result.exit_code == 1
    assert f"audit chain broken at event {target}" in result.output


async def test_a_supplier_footprint_must_be_readable_to_be_cited(asgi: Any) -> None:
    from hub.db.models import Organization

    async with asgi() as client:
        base = client.hub.settings.base_iri
        async with client.hub.sessions() as session:
            rows = (
                await session.execute(
                    select(Footprint.iri, Footprint.status)
                    .join(Product, Product.id == Footprint.product_id)
                    .join(Organization, Organization.id == Product.owner_id)
                    .where(Organization.iri == base + "org/zj-materials")
                )
            ).all()
        hidden = next(iri for iri, status in rows if status.value == "draft")
        ent = bearer(client, Role.ENTERPRISE, "zj-battery")
        product = (await run(client, CREATE_PRODUCT, ent, {"i": {"categoryCode": "KP-46", "name": "P"}}))["data"][
            "createProduct"
        ]["product"]
        data = footprint_input(product["id"], "unused", 1.0, 1.0)
        line = {k: v for k, v in data["inventory"][0].items() if k != "emission_factor_iri"}
        data["inventory"] = [{**line, "supplier_footprint_iri": hidden}]
        body = await run(client, CREATE_FOOTPRINT, ent, {"d": data})
        errors = body["data"]["createFootprint"]["errors"]
        assert errors == [
            {
                "path": "$.inventory[0].supplier_footprint_iri",
                "reason": f"names no footprint you may read: {hidden}",
            }
        ]

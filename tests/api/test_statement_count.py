"""No N+1: a page of footprints with product, category, owner, verifier, labels and decisions takes a fixed,
small number of SQL statements, whatever the page size (counted with before_cursor_execute)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import EmissionFactor, Label
from hub.domain.codes import FootprintStatus, LabelStatus
from hub.services import categories, decisions, factors, footprints, organizations, products
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from tests.api.payloads import footprint_input

FOOTPRINTS = 120
QUERY = """query($n: Int) { footprints(first: $n) { totalCount edges { node { id status totalKgco2e
  product { name category { code parent { code } } owner { nameEn } }
  verifier { nameEn } labels { grade serial } decisions { kind grade passed } } } } }"""


async def _fill(hub: Hub) -> None:
    base = hub.settings.base_iri
    system = Origin(actor=f"{base}system")
    async with unit_of_work(hub.sessions) as session:
        await categories.load_key_products(session, system, base)
        verifier = await organizations.create_organization(
            session,
            {"kind": "verifier", "region": "ZJ", "name_zh": "核查", "name_en": "Verifier"},
            system,
            base,
        )
        owners = [
            await organizations.create_organization(
                session,
                {
                    "kind": "enterprise",
                    "region": "ZJ",
                    "name_zh": f"企业{i}",
                    "name_en": f"E{i}",
                    "credit_code": code,
                },
                system,
                base,
            )
            for i, code in enumerate(["913305008MA28K7Q38", "913301006MA26K7Q3D", "913302007MA27K7Q3M"])
        ]
        factor = await factors.create_emission_factor(
            session,
            {
                "dataset": "test",
                "dataset_version": "1",
                "activity_name": "grid electricity",
                "region": "CN-EAST-GRID",
                "reference_year": 2023,
                "unit": "kWh",
                "value_kgco2e_per_unit": 0.58,
                "gwp_basis": "IPCC AR6 GWP100",
                "gases_covered": "co2e",
                "source_citation": "test",
                "licence": "CC-BY-4.0",
            },
            system,
            base,
        )
        assert isinstance(factor, EmissionFactor)
        made = []
        for i in range(FOOTPRINTS):
            owner = owners[i % 3]
            origin = Origin(actor=owner.iri)
            product = await products.create_product(
                session, {"category_code": f"KP-{1 + i % 52:02d}", "name": f"P{i}"}, owner, origin, base
            )
            fp = await footprints.create_footprint(
                session, footprint_input(product.iri, factor.iri, 1 + i, 0.58), origin, base
            )
            await footprints.submit(session, fp, verifier, origin)
            await footprints.verify(session, fp, verifier, "ok", date(2025, 1, 1), Origin(verifier.iri))
            await footprints.move(session, fp, FootprintStatus.PUBLISHED, system)
            made.append(fp)
        # every footprint is decided by the rules engine; half of them carry a label (stored directly: this
        # test is about reading, and most of these generated footprints have no benchmark to be graded on)
        await decisions.decide_footprints(
            session, hub.rulesets.registry(), [fp.id for fp in made], date(2026, 1, 1), system, base
        )
        for i, fp in enumerate(made):
            if i % 2 == 0:
                label = Label(
                    iri=f"{base}label/{i}",
                    footprint_id=fp.id,
                    scheme="ZJ-PCF",
                    grade="A",
                    score=90.0,
                    decided_by_ruleset="label-grade-zj",
                    decided_by_ruleset_version="2025.1",
                    serial=f"ZJ-PCF-T-{i}",
                    issued_on=date(2026, 1, 1),
                    expires_on=date(2030, 1, 1),
                    status=LabelStatus.ISSUED,
                )
                system.stamp(label)
                session.add(label)


@pytest.fixture
async def client(empty_db_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    hub = open_hub(Settings(database_url=empty_db_url, key_dir=tmp_path / "keys"))
    await _fill(hub)
    app = create_app(hub=hub)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as c:
        c.hub = hub  # type: ignore[attr-defined]
        yield c
    await hub.close()


async def _count(client: Any, n: int, role: Role, key: str | None) -> tuple[int, Any]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    headers = {}
    if key is not None:
        hub: Hub = client.hub
        async with hub.sessions() as session:
            from hub.db.models import Organization

            iri = await session.scalar(select(Organization.iri).where(Organization.name_en == key))
        headers["Authorization"] = f"Bearer {hub.tokens.issue(Principal(role, iri, 'ZJ'))}"
    engine = client.hub.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = await client.post("/graphql", json={"query": QUERY, "variables": {"n": n}}, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(statements), response.json()


@pytest.mark.parametrize(("role", "key"), [(Role.REGULATOR, None), (Role.ENTERPRISE, "E1")])
async def test_a_page_of_100_footprints_takes_a_fixed_small_number_of_statements(
    client: Any, role: Role, key: str | None
) -> None:
    if role is Role.REGULATOR:
        async with client.hub.sessions() as session:
            from hub.db.models import Organization

            reg = await organizations.create_organization(
                session,
                {"kind": "regulator", "region": "ZJ", "name_zh": "监管", "name_en": "Reg"},
                Origin("x"),
                "urn:t:",
            )
            await session.commit()
            key = reg.name_en
        _ = Organization
    small, _ = await _count(client, 5, role, key)
    client.hub.counts.clear()  # both pages count (the second would find the first's count: hub/queries/counting.py)
    large, body = await _count(client, 100, role, key)
    assert "data" in body, body
    edges = body["data"]["footprints"]["edges"]
    assert "errors" not in body, body.get("errors")
    assert len(edges) == 100
    assert all(e["node"]["product"]["category"]["parent"]["code"].startswith("IND-") for e in edges)
    assert sum(1 for e in edges if e["node"]["labels"]) == 50
    assert all(len(e["node"]["decisions"]) == 4 for e in edges)
    # page + count + products + categories + parents + organizations (owners, verifiers) + labels
    # + decisions
    assert large == small
    print(f"statements: {small} for 5 footprints, {large} for 100")
    assert large <= 11, large

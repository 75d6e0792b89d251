"""Property: no enterprise token ever reads another enterprise's inventory or unpublished footprint,
through any query shape (nested, node(id:), aliases, fragments, filters, pagination), over real HTTP.

The hub holds the demo data plus random enterprises with random footprints in random statuses; hypothesis
draws the caller and the query."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.engine import make_engine
from hub.db.models import EmissionFactor, Organization
from hub.domain.codes import FootprintStatus
from hub.domain.credit_code import check_character
from hub.services import footprints, organizations, products
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from tests import databases
from tests.api.live import LiveServer
from tests.api.payloads import footprint_input

STATUSES = [s for s in FootprintStatus]
PATHS = {
    FootprintStatus.DRAFT: [],
    FootprintStatus.SUBMITTED: [FootprintStatus.SUBMITTED],
    FootprintStatus.VERIFIED: [FootprintStatus.SUBMITTED, FootprintStatus.VERIFIED],
    FootprintStatus.PUBLISHED: [
        FootprintStatus.SUBMITTED,
        FootprintStatus.VERIFIED,
        FootprintStatus.PUBLISHED,
    ],
    FootprintStatus.WITHDRAWN: [FootprintStatus.WITHDRAWN],
}


def _credit_code(rng: random.Random) -> str:
    first17 = "91330100" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return first17 + check_character(first17)


async def _add_random_enterprises(hub: Hub, seed: int) -> None:
    rng = random.Random(seed)
    base = hub.settings.base_iri
    async with unit_of_work(hub.sessions) as session:
        factor = await session.scalar(select(EmissionFactor).where(EmissionFactor.unit == "kWh").limit(1))
        verifier = await session.scalar(select(Organization).where(Organization.iri == f"{base}org/cert-accredited"))
        assert factor is not None and verifier is not None
        system = Origin(actor=f"{base}system")
        for i in range(6):
            key = f"rnd-{i}"
            org = await organizations.create_organization(
                session,
                {
                    "kind": "enterprise",
                    "region": rng.choice(["ZJ", "YRD", "GBA"]),
                    "name_zh": f"随机示例{i}",
                    "name_en": f"Random {i}",
                    "credit_code": _credit_code(rng),
                },
                system,
                base,
                iri=f"{base}org/{key}",
            )
            origin = Origin(actor=org.iri)
            for j in range(rng.randint(1, 3)):
                product = await products.create_product(
                    session, {"category_code": "KP-46", "name": f"P{i}-{j}"}, org, origin, base
                )
                for _k in range(rng.randint(1, 2)):
                    data = footprint_input(product.iri, factor.iri, rng.uniform(1, 50), factor.value_kgco2e_per_unit)
                    fp = await footprints.create_footprint(session, data, origin, base)
                    for status in PATHS[rng.choice(STATUSES)]:
                        if status is FootprintStatus.SUBMITTED:
                            await footprints.submit(session, fp, verifier, origin)
                        elif status is FootprintStatus.VERIFIED:
                            await footprints.verify(
                                session, fp, verifier, "ok", fp.reference_period_end, Origin(verifier.iri)
                            )
                        else:
                            await footprints.move(session, fp, status, origin)


@dataclass
class World:
    hub: Hub
    client: httpx.Client
    enterprises: list[str]  # org IRIs
    footprint_owner: dict[str, str]
    footprint_status: dict[str, str]
    line_owner: dict[str, str]
    product_iris: list[str]


@pytest.fixture(scope="module")
def world(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = templates.fresh("demo", databases.with_demo)
    s = Settings(database_url=url, key_dir=Path(tmp_path_factory.mktemp("keys")))

    async def setup() -> None:
        hub = open_hub(s)
        try:
            await _add_random_enterprises(hub, seed=20251125)
        finally:
            await hub.close()

    asyncio.run(setup())
    engine = make_engine(url)
    with engine.connect() as conn:
        enterprises = [r[0] for r in conn.execute(text("SELECT iri FROM organization WHERE kind = 'enterprise'"))]
        fps = conn.execute(
            text(
                "SELECT f.iri, o.iri, f.status FROM footprint f JOIN product p ON p.id = f.product_id "
                "JOIN organization o ON o.id = p.owner_id"
            )
        ).all()
        lines = conn.execute(
            text(
                "SELECT l.iri, o.iri FROM inventory_line l JOIN footprint f ON f.id = l.footprint_id "
                "JOIN product p ON p.id = f.product_id JOIN organization o ON o.id = p.owner_id"
            )
        ).all()
        product_iris = [r[0] for r in conn.execute(text("SELECT iri FROM product"))]
    engine.dispose()
    hub = open_hub(s)
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield World(
            hub,
            client,
            enterprises,
            {f: o for f, o, _ in fps},
            {f: st_ for f, _, st_ in fps},
            dict(lines),
            product_iris,
        )


FRAGMENT = """
fragment F on Footprint {
  id status comment totalKgco2e
  inventory { id activity amount footprint { id } supplierFootprint { id } }
  product { id owner { id } footprints { id status comment inventory { id activity } } }
  supersedes { id status inventory { id } }
}
"""


def _shapes(world: World) -> st.SearchStrategy[list[tuple[str, dict[str, Any]]]]:
    fp_iris = sorted(world.footprint_owner)
    line_iris = sorted(world.line_owner)
    statuses = st.lists(st.sampled_from([s.value for s in FootprintStatus]), min_size=1, max_size=3, unique=True)
    owners = st.lists(st.sampled_from(world.enterprises), min_size=1, max_size=2, unique=True)
    first = st.integers(min_value=1, max_value=30)

    page = st.builds(
        lambda n, s, o, use_status, use_owner: [
            (
                "query($n: Int, $after: String, $f: FootprintFilter) "
                "{ footprints(first: $n, after: $after, filter: $f) "
                "{ totalCount edges { cursor node { ...F } } pageInfo { endCursor hasNextPage } } }" + FRAGMENT,
                {
                    "n": n,
                    "f": {**({"statuses": s} if use_status else {}), **({"owners": o} if use_owner else {})},
                },
            )
        ],
        first,
        statuses,
        owners,
        st.booleans(),
        st.booleans(),
    )
    node = st.builds(
        lambda i: [
            (
                "query($id: ID!) { node(id: $id) { id ... on Footprint { ...F } "
                "... on InventoryLine { activity amount footprint { ...F } } "
                "... on Product { footprints { ...F } } } }" + FRAGMENT,
                {"id": i},
            )
        ],
        st.sampled_from(fp_iris + line_iris + world.product_iris),
    )
    aliases = st.builds(
        lambda ids: [
            (
                "query {"
                + " ".join(
                    f'a{k}: node(id: "{i}") {{ ... on Footprint {{ ...F }} ... on InventoryLine {{ id activity }} }}'
                    for k, i in enumerate(ids)
                )
                + "}"
                + FRAGMENT,
                {},
            )
        ],
        st.lists(st.sampled_from(fp_iris + line_iris), min_size=1, max_size=6),
    )
    inline = st.builds(
        lambda n: [
            (
                "query($n: Int) { products(first: $n) { edges { node { id footprints { id ... on Footprint "
                "{ status comment inventory { id activity } } } } } } }",
                {"n": n},
            )
        ],
        first,
    )
    return st.one_of(page, node, aliases, inline)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _check(world: World, caller: str, body: dict[str, Any]) -> None:
    for obj in _walk(body.get("data")):
        iri = obj.get("id")
        if iri in world.line_owner:
            assert world.line_owner[iri] == caller, f"{caller} read inventory line {iri} of {world.line_owner[iri]}"
        if iri in world.footprint_owner and world.footprint_owner[iri] != caller:
            assert world.footprint_status[iri] == "published", f"{caller} read unpublished footprint {iri}"
            assert obj.get("comment") is None and not obj.get("inventory"), f"{caller} read private fields of {iri}"
        if "activity" in obj and obj["activity"] is not None:
            assert iri in world.line_owner, "an inventory line without its id cannot be checked"


@pytest.fixture(scope="module")
def shapes(world: World) -> st.SearchStrategy[list[tuple[str, dict[str, Any]]]]:
    return _shapes(world)


def test_no_enterprise_reads_what_is_not_its_own(world: World) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(caller=st.sampled_from(world.enterprises), requests=_shapes(world))
    def run(caller: str, requests: list[tuple[str, dict[str, Any]]]) -> None:
        bearer = world.hub.tokens.issue(Principal(Role.ENTERPRISE, caller, "ZJ"))
        headers = {"Authorization": f"Bearer {bearer}"}
        for query, variables in requests:
            after: str | None = None
            for _page in range(3):  # follow the cursor, where the shape has one
                vs = {**variables, "after": after} if "after" in query else variables
                response = world.client.post("/graphql", json={"query": query, "variables": vs}, headers=headers)
                assert response.status_code == 200, response.text
                body = response.json()
                _check(world, caller, body)
                info = (body.get("data") or {}).get("footprints") or {}
                after = (info.get("pageInfo") or {}).get("endCursor")
                if not (info.get("pageInfo") or {}).get("hasNextPage"):
                    break

    run()


def test_the_world_has_what_the_property_needs(world: World) -> None:
    """Other enterprises' unpublished footprints exist, so the property is not vacuous."""
    unpublished = [f for f, s in world.footprint_status.items() if s != "published"]
    owners = {world.footprint_owner[f] for f in unpublished}
    assert len(unpublished) >= 5 and len(owners) >= 3

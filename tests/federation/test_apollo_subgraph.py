"""Issue 11 item 8: the hub is an Apollo Federation 2 subgraph whose `_entities` answers exactly as `node(id:)`.

Over real HTTP on a copy of the demo data: the same row filter (a hidden record and a made-up IRI answer
alike), the same per-field FORBIDDEN, and input that is not a representation refused with its index named.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType
from sqlalchemy import Engine, select

from hub.api.entities import ENTITY_NAMES
from hub.api.graphql_schema import build_schema
from hub.auth.principal import Role
from hub.db.models import Footprint, Organization, Product
from hub.domain.codes import FootprintStatus
from hub.policy.catalog import KINDS
from hub.queries.records import SEGMENTS
from tests.api.conftest import Live
from tests.api.fixtures import gql, org_iri, token
from tests.security import reads_live

live_hub, db = reads_live.live_hub, reads_live.db

FIELDS = """
fragment F on Node {
  __typename id
  ... on Footprint { status totalKgco2e verificationStatement comment product { id name } }
  ... on Product { name gtin owner { id nameEn } }
  ... on Organization { nameEn creditCode }
  ... on Decision { kind grade trace }
  ... on Label { grade status serial }
}"""
NODE = "query($id: ID!) { node(id: $id) { ...F } }" + FIELDS
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ...F } }" + FIELDS
MADE_UP = "footprint/00000000-0000-4000-8000-00000000f00d"


def _footprint(live: Live, db: Engine, owner: str, status: FootprintStatus) -> str:
    with db.connect() as conn:
        iri = conn.scalar(
            select(Footprint.iri)
            .join(Product, Product.id == Footprint.product_id)
            .join(Organization, Organization.id == Product.owner_id)
            .where(Organization.iri == org_iri(live.hub.settings, owner), Footprint.status == status)
            .order_by(Footprint.id)
            .limit(1)
        )
    assert iri is not None
    return str(iri)


def _samples(live: Live, db: Engine) -> list[tuple[str, str]]:
    """(type, IRI): two records of every entity type, a hidden draft, and an IRI that names nothing."""
    out: list[tuple[str, str]] = []
    with db.connect() as conn:
        for kind in sorted(set(SEGMENTS.values())):
            column = KINDS[kind].column
            out += [(kind, str(i)) for i in conn.scalars(select(column("iri")).order_by(column("id")).limit(2))]
    out.append(("Footprint", _footprint(live, db, "zj-materials", FootprintStatus.DRAFT)))
    out.append(("Footprint", live.hub.settings.base_iri + MADE_UP))
    return out


def _errors_without_root(body: dict[str, Any], root: int) -> list[tuple[str, tuple[Any, ...], Any]]:
    """(message, path below the root field, code) of each error: `node` and `_entities[i]` compared alike."""
    return sorted(
        (e["message"], tuple(e.get("path", ())[root:]), e.get("extensions", {}).get("code"))
        for e in body.get("errors", [])
    )


CALLERS = [
    (Role.PUBLIC, None),
    (Role.ENTERPRISE, "zj-pv"),
    (Role.ENTERPRISE, "zj-battery"),
    (Role.REGIONAL_PLATFORM, "yrd-platform"),
    (Role.VERIFIER, "cert-accredited"),
    (Role.REGULATOR, "zj-regulator"),
]


@pytest.mark.parametrize(("role", "org"), CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
def test_entities_answer_every_record_as_node_does(live_hub: Live, db: Engine, role: Role, org: str | None) -> None:
    bearer = token(live_hub.hub, role, org)
    samples = _samples(live_hub, db)
    for start in range(0, len(samples), 8):  # batches within the cost limit
        chunk = samples[start : start + 8]
        batch = gql(live_hub.client, ENTITIES, bearer, {"r": [{"__typename": k, "id": i} for k, i in chunk]}).json()
        assert len(batch["data"]["_entities"]) == len(chunk)
        for i, (_, iri) in enumerate(chunk):
            one = gql(live_hub.client, NODE, bearer, {"id": iri}).json()
            assert batch["data"]["_entities"][i] == one["data"]["node"], iri
            mine = {"errors": [e for e in batch.get("errors", []) if e["path"][:2] == ["_entities", i]]}
            assert _errors_without_root(mine, 2) == _errors_without_root(one, 1), iri


def test_a_hidden_record_and_a_made_up_iri_answer_alike(live_hub: Live, db: Engine) -> None:
    hidden = _footprint(live_hub, db, "zj-materials", FootprintStatus.DRAFT)
    made_up = live_hub.hub.settings.base_iri + MADE_UP
    other = token(live_hub.hub, Role.ENTERPRISE, "zj-pv")
    answers = []
    for iri in (hidden, made_up):
        body = gql(live_hub.client, ENTITIES, other, {"r": [{"__typename": "Footprint", "id": iri}]}).json()
        answers.append(body)
    assert answers[0] == answers[1] == {"data": {"_entities": [None]}}
    owner = token(live_hub.hub, Role.ENTERPRISE, "zj-materials")
    mine = gql(live_hub.client, ENTITIES, owner, {"r": [{"__typename": "Footprint", "id": hidden}]}).json()
    assert mine["data"]["_entities"][0]["status"] == "draft"


def test_a_field_the_caller_may_not_read_is_forbidden_on_that_field(live_hub: Live, db: Engine) -> None:
    published = _footprint(live_hub, db, "zj-battery", FootprintStatus.PUBLISHED)
    other = token(live_hub.hub, Role.ENTERPRISE, "zj-pv")
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Footprint { id verificationStatement } } }"
    body = gql(live_hub.client, query, other, {"r": [{"__typename": "Footprint", "id": published}]}).json()
    assert body["data"] == {"_entities": [{"id": published, "verificationStatement": None}]}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["_entities", 0, "verificationStatement"], "FORBIDDEN")
    ]


def test_a_record_asked_for_as_another_type_is_not_found(live_hub: Live, db: Engine) -> None:
    published = _footprint(live_hub, db, "zj-battery", FootprintStatus.PUBLISHED)
    regulator = token(live_hub.hub, Role.REGULATOR)
    body = gql(live_hub.client, ENTITIES, regulator, {"r": [{"__typename": "Product", "id": published}]}).json()
    assert body == {"data": {"_entities": [None]}}


@pytest.mark.parametrize(
    ("rep", "path", "reason"),
    [
        ("just a string", "$.representations[1]", "must be an object with __typename and id"),
        ({"__typename": "AuditEvent", "id": "1"}, "$.representations[1].__typename", "is not an entity type"),
        ({"__typename": "Footprint"}, "$.representations[1].id", "must be a record's IRI"),
        ({"__typename": "Footprint", "id": ["a"]}, "$.representations[1].id", "must be a record's IRI"),
    ],
)
def test_a_malformed_representation_is_refused_naming_its_index(
    live_hub: Live, db: Engine, rep: Any, path: str, reason: str
) -> None:
    published = _footprint(live_hub, db, "zj-battery", FootprintStatus.PUBLISHED)
    reps = [{"__typename": "Footprint", "id": published}, rep]
    body = gql(live_hub.client, ENTITIES, token(live_hub.hub, Role.REGULATOR), {"r": reps}).json()
    assert body["data"]["_entities"][0]["id"] == published
    assert body["data"]["_entities"][1] is None
    [error] = body["errors"]
    assert error["path"] == ["_entities", 1]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fields"][0]["path"] == path
    assert reason in error["extensions"]["fields"][0]["reason"]


def test_more_representations_than_a_page_are_refused_whole(live_hub: Live, db: Engine) -> None:
    reps = [{"__typename": "Footprint", "id": f"{live_hub.hub.settings.base_iri}{MADE_UP}{i}"} for i in range(101)]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    body = gql(live_hub.client, query, token(live_hub.hub, Role.REGULATOR), {"r": reps}).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["fields"] == [
        {"path": "$.representations", "reason": "holds more than 100 records"}
    ]


def test_the_sdl_is_for_authenticated_callers_and_keys_every_node_type(live_hub: Live) -> None:
    anonymous = gql(live_hub.client, "{ _service { sdl } }").json()
    assert "Introspection needs a bearer token" in anonymous["errors"][0]["message"]
    sdl = gql(live_hub.client, "{ _service { sdl } }", token(live_hub.hub, Role.REGULATOR)).json()["data"]
    text = sdl["_service"]["sdl"]
    schema = build_schema()._schema
    node_types = {
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }
    assert node_types == ENTITY_NAMES
    for name in node_types:
        assert '@key(fields: "id")' in next(line for line in text.splitlines() if line.startswith(f"type {name} "))
    assert 'url: "https://specs.apollo.dev/federation/v2.3"' in text

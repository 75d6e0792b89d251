"""A PACT client sees exactly what GraphQL shows it: for every role, the footprints ListFootprints serves are
the footprints GraphQL lists for the same caller whose `mapped(to: PACT)` is ok and complete (every field the
hub's PACT schema requires: a regional platform's agreement may leave one out), as the same
documents, and every one of them is valid for the official PACT v3 schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.auth.principal import Role
from hub.mapping import load_catalog
from hub.mapping.schema_paths import missing
from tests import databases
from tests.api.fixtures import gql
from tests.mapping.pact_official import official_errors
from tests.pact.host_live import Host, live_host

COMPLETE = load_catalog().required_paths("pact")

QUERY = """query($after: String) { footprints(first: 40, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { mapped(to: PACT) { ok record } } } } }"""


@pytest.fixture(scope="module")
def host(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    with live_host(templates, tmp_path_factory.mktemp("keys")) as h:
        yield h


def _graphql_pact(host: Host, headers: dict[str, str]) -> list[dict[str, Any]]:
    bearer = headers.get("Authorization", " ").split(" ", 1)[1] or None
    out: list[dict[str, Any]] = []
    after = None
    while True:
        body = gql(host.client, QUERY, bearer, {"after": after}).json()
        assert "errors" not in body, body
        page = body["data"]["footprints"]
        records = [e["node"]["mapped"]["record"] for e in page["edges"] if e["node"]["mapped"]["ok"]]
        out += [r for r in records if not missing(r, COMPLETE)]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PUBLIC])
def test_a_pact_client_sees_what_graphql_shows_the_same_caller(host: Host, role: Role) -> None:
    headers = host.bearer(role)
    served = host.list_all(headers, limit=9)
    assert served == _graphql_pact(host, headers)
    for doc in served:
        assert official_errors(doc) == [], doc["id"]


def test_roles_see_different_footprints(host: Host) -> None:
    seen = {role: {d["id"] for d in host.list_all(host.bearer(role))} for role in Role if role is not Role.PUBLIC}
    assert seen[Role.INTERNATIONAL_BODY] < seen[Role.REGULATOR]


def test_public_gets_nothing_without_a_token(host: Host) -> None:
    r = host.client.get("/3/footprints")
    assert r.status_code == 401 and "data" not in r.json()


def test_a_failed_mapping_hands_out_no_record_and_the_host_does_not_serve_it(host: Host) -> None:
    query = """{ footprints(first: 5, filter: {statuses: ["draft"]}) { edges { node { id
      mapped(to: PACT) { ok record errors { field reason } } } } } }"""
    bearer = host.bearer(Role.REGULATOR)["Authorization"].split(" ", 1)[1]
    edges = gql(host.client, query, bearer).json()["data"]["footprints"]["edges"]
    assert edges
    for edge in edges:
        mapped = edge["node"]["mapped"]
        assert mapped["ok"] is False and mapped["record"] is None and mapped["errors"]
    assert all(d["status"] in {"Active", "Deprecated"} for d in host.list_all(host.bearer(Role.REGULATOR)))

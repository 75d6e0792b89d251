"""`@include` and `@skip` with a variable under each root that returns records (`footprints`, `products`,
`node`), over real HTTP: the relation is there exactly when the directive says so, and never an error
(issue 15: the look-ahead loading that once stood here answered "Unexpected error." to any of them)."""

from __future__ import annotations

from typing import Any

import pytest

from hub.auth.principal import Role
from tests.api.conftest import Live
from tests.api.fixtures import gql, token

# Each root, with the path from `data` to its records.
ROOTS = {
    "footprints": ("footprints(first: 3) { edges { node { id {rel} } } }", "product { id }"),
    "products": ("products(first: 3) { edges { node { id {rel} } } }", "owner { id }"),
    "node": ('node(id: "{iri}") { id ... on Footprint { {rel} } }', "product { id }"),
}


def _records(data: dict[str, Any], root: str) -> list[dict[str, Any]]:
    if root == "node":
        return [data["node"]]
    return [edge["node"] for edge in data[root]["edges"]]


@pytest.fixture(scope="module")
def bearer(live: Live) -> str:
    found = token(live.hub, Role.REGULATOR)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def footprint_iri(live: Live, bearer: str) -> str:
    body = gql(live.client, "{ footprints(first: 1) { edges { node { id } } } }", bearer).json()
    return str(body["data"]["footprints"]["edges"][0]["node"]["id"])


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("directive", ["include", "skip"])
@pytest.mark.parametrize("root", sorted(ROOTS))
def test_a_directive_with_a_variable_decides_whether_a_relation_is_there(
    live: Live, bearer: str, footprint_iri: str, root: str, directive: str, value: bool
) -> None:
    shape, rel = ROOTS[root]
    name = rel.split()[0]
    selection = shape.replace("{rel}", f"{name} @{directive}(if: $v) {{ id }}").replace("{iri}", footprint_iri)
    response = gql(live.client, f"query($v: Boolean!) {{ {selection} }}", bearer, {"v": value})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    records = _records(body["data"], root)
    shown = value if directive == "include" else not value
    assert records and all((name in r) is shown for r in records)
    if shown:
        assert all(r[name]["id"].startswith("http") for r in records)

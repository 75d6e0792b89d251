"""The planner's answers in the cases a caller relies on, each compared with ordinary execution: per-field
FORBIDDEN errors (on every row, and row by row where a role's grants differ), a related record the caller may
not see, cursors across pages, aliases, fragments, @include/@skip, and what it leaves to ordinary execution."""

from __future__ import annotations

from typing import Any

from hub.auth.principal import Role
from tests.api.planner.conftest import Pair, normalized

NODE = "id status comment verifier { id nameEn } product { id name owner { id nameEn } }"


def _same(pair: Pair, role: Role, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    planned, reference = pair.both(role, query, variables)
    assert normalized(planned) == normalized(reference)
    return planned


def _planned(pair: Pair, role: Role, query: str, variables: dict[str, Any] | None = None) -> bool:
    """Whether the planner answered (its cache holds a plan for the query) rather than handing it on."""
    before = len(pair.planned.planner.plans.items)
    pair.post("/planned", role, query, variables)
    return len(pair.planned.planner.plans.items) > before


def _codes(body: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in body.get("errors", []):
        out.setdefault(e["message"], set()).add(e["extensions"]["code"])
    return out


def test_forbidden_fields_relations_and_counts(pair: Pair) -> None:
    query = "{ footprints(first: 100) { totalCount edges { node { id comment labels { grade } } } } }"
    body = _same(pair, Role.PUBLIC, query)
    assert _planned(pair, Role.PUBLIC, query + " ")
    assert _codes(body) == {
        "role public may not aggregate Footprint records": {"FORBIDDEN"},
        "Not authorized to read Footprint.comment": {"FORBIDDEN"},
        "Not authorized to read Footprint.labels": {"FORBIDDEN"},
    }
    edges = body["data"]["footprints"]["edges"]
    assert edges and all(e["node"]["comment"] is None and e["node"]["labels"] is None for e in edges)
    paths = {tuple(e["path"]) for e in body["errors"]}
    assert ("footprints", "totalCount") in paths and ("footprints", "edges", 0, "node", "comment") in paths
    assert body["data"]["footprints"]["totalCount"] is None


def test_forbidden_row_by_row_where_grants_differ(pair: Pair) -> None:
    """An enterprise reads every field of its own footprints, fewer of the others' published ones."""
    body = _same(pair, Role.ENTERPRISE, f"{{ footprints(first: 100) {{ edges {{ node {{ {NODE} }} }} }} }}")
    refused = {e["path"][2] for e in body["errors"] if e["path"][-1] == "comment"}
    rows = range(len(body["data"]["footprints"]["edges"]))
    assert refused and set(rows) - refused  # some rows refuse the field, others show it


def test_a_related_record_the_caller_may_not_see_is_null(pair: Pair) -> None:
    """A verifier reads the footprints assigned to it, not every product: the product is null, no error."""
    body = _same(pair, Role.VERIFIER, f"{{ footprints(first: 100) {{ edges {{ node {{ {NODE} }} }} }} }}")
    hidden = [i for i, e in enumerate(body["data"]["footprints"]["edges"]) if e["node"]["product"] is None]
    assert hidden
    assert not [e for e in body.get("errors", []) if e["path"][-1] == "product"]


def test_cursors_across_pages(pair: Pair) -> None:
    query = """query($after: String) { footprints(first: 7, after: $after) { totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }"""
    seen: list[str] = []
    after = None
    while True:
        body = _same(pair, Role.ENTERPRISE, query, {"after": after})
        conn = body["data"]["footprints"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == conn["totalCount"] > 7


def test_aliases_of_the_same_field_with_different_arguments(pair: Pair) -> None:
    query = """{ a: footprints(first: 2) { edges { node { id p: product { name } q: product { owner { id } } } } }
      b: footprints(first: 3, filter: { statuses: ["published"] }) { totalCount edges { node { id status } } }
      c: products(first: 4) { edges { node { name footprints { id } } } } }"""
    body = _same(pair, Role.REGULATOR, query)
    assert _planned(pair, Role.REGULATOR, query + " ")
    assert len(body["data"]["a"]["edges"]) == 2 and len(body["data"]["b"]["edges"]) == 3
    assert {e["node"]["status"] for e in body["data"]["b"]["edges"]} == {"published"}


def test_fragments_and_typenames(pair: Pair) -> None:
    query = """fragment F on Footprint { id product { ...P } }  fragment P on Product { name __typename }
      { __typename footprints(first: 5) { __typename edges { __typename node { ...F ... on Footprint { status }
        ... on Node { id } labels { ... on Label { grade } } } } } }"""
    body = _same(pair, Role.ENTERPRISE, query)
    assert _planned(pair, Role.ENTERPRISE, query + " ")
    assert body["data"]["footprints"]["edges"][0]["node"]["product"]["__typename"] == "Product"


def test_include_and_skip_on_a_relation(pair: Pair) -> None:
    """Planned with the directives as the query without the skipped relation is executed as usual."""
    query = """query($with: Boolean!) { footprints(first: 10) { edges { node { id
      product @include(if: $with) { name } labels @skip(if: $with) { grade } } } } }"""
    without = "{ footprints(first: 10) { edges { node { id labels { grade } } } } }"
    planned = pair.post("/planned", Role.REGULATOR, query, {"with": False})
    assert normalized(planned) == normalized(pair.post("/reference", Role.REGULATOR, without))
    with_product = "{ footprints(first: 10) { edges { node { id product { name } } } } }"
    planned = pair.post("/planned", Role.REGULATOR, query, {"with": True})
    assert normalized(planned) == normalized(pair.post("/reference", Role.REGULATOR, with_product))


def test_what_the_planner_leaves_to_ordinary_execution(pair: Pair) -> None:
    first = _same(pair, Role.REGULATOR, "{ footprints(first: 1) { edges { node { id } } } }")
    iri = first["data"]["footprints"]["edges"][0]["node"]["id"]
    for query in (
        f'{{ node(id: "{iri}") {{ id }} }}',
        "{ footprints(first: 2) { edges { node { mapped(to: PACT) { ok } } } } }",
        "{ footprints(first: 2) { edges { node { inventory { activity } } } } }",
        "{ footprints(first: 2) { edges { node { decisions { trace } } } } }",
        "{ footprints(first: 200) { edges { node { id } } } }",
        '{ footprints(after: "not a cursor") { edges { node { id } } } }',
        "{ __schema { queryType { name } } }",
    ):
        _same(pair, Role.REGULATOR, query)
        assert not _planned(pair, Role.REGULATOR, query), query


def test_a_plan_is_never_shared_between_enterprises(pair: Pair) -> None:
    """The same query as two enterprises: each gets its own rows and fields (the plan cache keys the caller)."""
    query = "{ footprints(first: 100) { totalCount edges { node { id comment product { gtin } } } } }"
    answers = []
    for org in ("zj-battery", "zj-cement"):
        planned = pair.post("/planned", Role.ENTERPRISE, query, org=org)
        assert normalized(planned) == normalized(pair.post("/reference", Role.ENTERPRISE, query, org=org))
        answers.append(normalized(planned))
    assert answers[0] != answers[1]

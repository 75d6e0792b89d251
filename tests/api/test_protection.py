"""Protection, on by default: depth, aliases, tokens, directives, cost, introspection, GET, body size,
field suggestions, error masking, and the GraphQL-over-HTTP response conventions."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

import hub.api.protection as protection
import hub.api.walk as walk
from hub.auth.principal import Principal, Role
from tests.api.work import calls_into

GQL_RESPONSE = "application/graphql-response+json"


async def post(client: Any, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    h = {"Accept": GQL_RESPONSE, **headers}
    return await client.post("/graphql", json={"query": query, "variables": variables}, headers=h)


async def test_a_query_of_depth_50_is_refused_after_one_walk_per_rule(asgi: Any) -> None:
    query = "{ " + "productCategories { parent { " * 25 + "code" + " } }" * 25 + " }"
    async with asgi() as client:
        await post(client, "{ __typename }")  # the app's first request wires what it caches
        with calls_into(protection, walk) as work:
            response = await post(client, query)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GQL_RESPONSE)
    [error] = response.json()["errors"]
    assert "nested deeper than the limit of 8" in error["message"]
    assert "data" not in response.json()
    # each walk of the query (depth, aliases: hub/api/walk.py) visits each of its 51 fields' selection sets
    # once, plus the root; the cost estimate never starts on a refused query
    assert work.by_function["selection_set"] == 2 * 52 and work.by_function["field"] == 2 * 51
    assert work.by_function["estimate_cost"] == 0 and work.count < 2 * 5 * 52


async def test_a_query_with_1000_aliases_is_refused_by_the_parser(asgi: Any) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(1000)) + " }"
    async with asgi() as client:
        await post(client, "{ __typename }")
        validation = importlib.import_module("graphql.validation.validate")
        with calls_into(protection, validation) as work:
            response = await post(client, query)
        with calls_into(protection, validation) as control:  # the counter sees validation when it runs
            await post(client, "{ viewer { role } }")
    assert control.count > 0
    assert response.status_code == 400
    assert "token limit" in response.json()["errors"][0]["message"].lower() or "tokens" in response.text
    assert work.count == 0  # refused while parsing: no validation rule, no cost estimate ran


async def test_aliases_above_the_limit_are_refused(asgi: Any) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(16)) + " }"
    async with asgi() as client:
        response = await post(client, query)
        allowed = await post(client, "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(15)) + " }")
    assert "more than 15 aliases" in response.json()["errors"][0]["message"]
    assert allowed.status_code == 200 and "errors" not in allowed.json()


async def test_directives_above_the_limit_are_refused(asgi: Any) -> None:
    query = "{ viewer { role " + "@include(if: true) " * 51 + "} }"
    async with asgi() as client:
        response = await post(client, query)
    assert "more than 50 directives" in response.json()["errors"][0]["message"]


async def test_limits_are_configurable(asgi: Any) -> None:
    async with asgi(max_depth=2) as client:
        response = await post(client, "{ productCategories { parent { code } } }")
    assert "limit of 2" in response.json()["errors"][0]["message"]


COSTLY = """query($n: Int) { footprints(first: $n) { edges { node {
  product { footprints { inventory { activity amount unit } labels { grade } } } } } } }"""


async def test_query_cost_is_estimated_from_page_sizes_and_refused_before_execution(asgi: Any) -> None:
    async with asgi() as client:
        big = await post(client, COSTLY, {"n": 100})
        small = await post(client, COSTLY, {"n": 1})
    assert big.status_code == 400
    assert "estimated cost" in big.json()["errors"][0]["message"]
    assert small.status_code == 200


async def test_the_tokens_limit(asgi: Any) -> None:
    async with asgi(max_tokens=10) as client:
        response = await post(client, "{ viewer { role } productCategories { code nameEn nameZh level seq } }")
    assert response.status_code == 400
    assert "token" in response.json()["errors"][0]["message"].lower()


async def test_introspection_needs_a_token_outside_dev_mode(asgi: Any) -> None:
    query = "{ __schema { queryType { name } } }"
    async with asgi() as client:
        public = await post(client, query)
        bearer = client.hub.tokens.issue(Principal(Role.ENTERPRISE, client.hub.settings.base_iri + "org/zj-pv", "ZJ"))
        authenticated = await post(client, query, Authorization=f"Bearer {bearer}")
        typename = await post(client, "{ __typename }")
    assert public.status_code == 400 and "Introspection needs a bearer token" in public.text
    assert authenticated.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert typename.json()["data"] == {"__typename": "Query"}
    async with asgi(dev=True) as client:
        assert (await post(client, query)).status_code == 200


async def test_field_suggestions_only_in_dev_mode(asgi: Any) -> None:
    async with asgi() as client:
        prod = (await post(client, "{ productCategorie { code } }")).json()["errors"][0]["message"]
    async with asgi(dev=True) as client:
        dev = (await post(client, "{ productCategorie { code } }")).json()["errors"][0]["message"]
    assert "Did you mean" not in prod and "productCategorie" in prod
    assert "Did you mean" in dev


async def test_unexpected_errors_are_masked_outside_dev_mode(asgi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.queries import benchmarks

    async def broken(*_args: Any, **_kw: Any) -> Any:
        raise RuntimeError("password=hunter2 at db.internal:5432")

    monkeypatch.setattr(benchmarks, "category_benchmarks", broken)
    async with asgi() as client:
        prod = (await post(client, "{ categoryBenchmarks { declaredUnit } }")).json()
    async with asgi(dev=True) as client:
        dev = (await post(client, "{ categoryBenchmarks { declaredUnit } }")).json()
    assert prod["errors"][0]["message"] == "Unexpected error."
    assert "hunter2" not in str(prod)
    assert "hunter2" in dev["errors"][0]["message"]


async def test_authorization_and_input_errors_stay_readable(asgi: Any) -> None:
    async with asgi() as client:
        response = await post(client, "{ footprints { totalCount } }")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "role public may not aggregate Footprint records"


async def test_no_get_in_production_and_never_a_mutation_over_get(asgi: Any) -> None:
    async with asgi() as client:
        refused = await client.get("/graphql", params={"query": "{ viewer { role } }"})
    assert refused.status_code == 405
    async with asgi(graphql_get=True) as client:
        query = await client.get("/graphql", params={"query": "{ viewer { role } }"})
        mutation = await client.get(
            "/graphql",
            params={"query": 'mutation { withdrawFootprint(footprintId: "x") { errors { path } } }'},
        )
    assert query.status_code == 200 and query.json()["data"]["viewer"]["role"] == "public"
    assert mutation.status_code == 405


async def test_request_body_size_is_limited(asgi: Any) -> None:
    async with asgi(max_body_bytes=1000) as client:
        response = await client.post(
            "/graphql", json={"query": "{ viewer { role } }", "variables": {"pad": "x" * 2000}}
        )
    assert response.status_code == 413


async def test_http_conventions(asgi: Any) -> None:
    async with asgi() as client:
        as_json = await client.post("/graphql", json={"query": "{ nope }"}, headers={"Accept": "application/json"})
        as_gql = await post(client, "{ nope }")
        wrong_type = await client.post(
            "/graphql", content="{ viewer { role } }", headers={"Content-Type": "text/plain"}
        )
        wrong_accept = await client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"Accept": "text/html"}
        )
        not_json = await client.post("/graphql", content=b"{ not json", headers={"Content-Type": "application/json"})
        no_query = await client.post("/graphql", json={"qeury": "{ viewer { role } }"})
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    assert as_gql.status_code == 400 and as_gql.headers["content-type"].startswith(GQL_RESPONSE)
    assert wrong_type.status_code == 415
    assert wrong_accept.status_code == 406
    assert not_json.status_code == 400
    assert no_query.status_code == 400


COSTS: list[tuple[str, dict[str, Any], int]] = [
    # every field once per parent item; a list without `first` as 5 items (LIST_ESTIMATE)
    ("{ viewer { role } productCategories { code nameEn } }", {}, 1 + 1 + 1 + 5 * 2),
    # a connection without `first`: the default page of 20; `edges` adds no factor of its own
    ("{ footprints { edges { node { id totalKgco2e } } } }", {}, 1 + 20 + 20 + 20 * 2),
    # `first` from a variable, a list below it
    (
        "query($n: Int) { footprints(first: $n) { totalCount edges { node { id stages { stage kgco2e } } } } }",
        {"n": 7},
        1 + 7 + 7 + 7 + 7 + 7 + 7 * 5 * 2,
    ),
    ("{ footprints(first: 3) { edges { node { id labels { grade } product { name } } } } }", {}, 1 + 3 * 7 + 3 * 5 - 3),
    ("{ footprints(first: -1) { edges { node { id } } } }", {}, 1 + 20 * 3),  # a negative page: the default
    ("{ footprints(first: 2) { ...C } } fragment C on FootprintConnection { edges { node { id } } }", {}, 1 + 2 * 3),
    ('{ node(id: "x") { ... on Footprint { id stages { stage } } ... on Product { name } } }', {}, 1 + 1 + 1 + 5 + 1),
    ("{ viewer { ... { role } } }", {}, 2),
    ('mutation { publishFootprint(footprintId: "x") { errors { path reason } } }', {}, 1 + 1 + 5 * 2),
    ("{ footprints(first: 0) { edges { node { id } } } }", {}, 1),  # an empty page costs its field only
    # variables reach pages inside inline fragments and named fragments
    ("query($n: Int) { ... on Query { footprints(first: $n) { edges { node { id } } } } }", {"n": 2}, 1 + 2 * 3),
    (
        "query($n: Int) { ...Q } fragment Q on Query { footprints(first: $n) { edges { node { id } } } }",
        {"n": 2},
        1 + 2 * 3,
    ),
    # a fragment beside other fields adds to them; spread in two places, it counts in both
    (
        "{ viewer { role } footprints(first: 2) { totalCount ...C } more: footprints(first: 4) { ...C } } "
        "fragment C on FootprintConnection { edges { node { id } } }",
        {},
        2 + (1 + 2 + 2 * 3) + (1 + 4 * 3),
    ),
]


@pytest.mark.parametrize(("query", "variables", "cost"), COSTS)
def test_cost_estimates_are_pinned(query: str, variables: dict[str, Any], cost: int) -> None:
    """The estimate, worked out by hand for each shape of query: a change to how it is priced is deliberate."""
    from graphql import OperationDefinitionNode, parse

    from hub.api.graphql_schema import build_schema
    from hub.api.protection import estimate_cost

    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    assert estimate_cost(build_schema()._schema, document, operation, variables) == cost


async def test_type_introspection_needs_a_token_too(asgi: Any) -> None:
    async with asgi() as client:
        response = await post(client, '{ __type(name: "Footprint") { name } }')
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Introspection needs a bearer token on this hub (or dev mode)."


async def test_directives_at_the_limit_are_allowed(asgi: Any) -> None:
    async with asgi() as client:
        at_limit = await post(client, "{ viewer { " + "role @include(if: true) " * 50 + "} }")
        over = await post(client, "{ viewer { " + "role @skip(if: false) " * 51 + "} }")
    assert at_limit.status_code == 200 and at_limit.json()["data"]["viewer"]["role"] == "public"
    assert [e["message"] for e in over.json()["errors"]] == ["The query uses more than 50 directives."]


async def test_every_refusal_points_at_the_operation_or_field(asgi: Any) -> None:
    deep = "query Deep { " + "productCategories { parent { " * 5 + "code" + " } }" * 5 + " }"
    aliases = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(16)) + " }"
    directives = "{ viewer { " + "role @skip(if: false) " * 51 + "} }"
    async with asgi() as client:
        for query in (deep, aliases, directives, "{ __schema { queryType { name } } }"):
            [error] = (await post(client, query)).json()["errors"]
            assert error["locations"], error


async def test_a_sibling_deeper_than_one_at_the_limit_is_still_refused(asgi: Any) -> None:
    at_limit = "productCategories { " + "parent { " * 6 + "code" + " }" * 6 + " }"
    deeper = "more: productCategories { " + "parent { " * 7 + "code" + " }" * 7 + " }"
    async with asgi() as client:
        response = await post(client, "{ " + at_limit + " " + deeper + " }")
    assert response.json()["errors"][0]["message"] == "Operation (anonymous) is nested deeper than the limit of 8."


async def test_the_standard_full_introspection_query_works_with_a_token(asgi: Any) -> None:
    """What schema tools send (graphql-js `getIntrospectionQuery()`) nests 13 deep through `ofType`; the depth
    limit of 8 must not refuse it, or no tool can read the production schema."""
    from graphql import build_client_schema, get_introspection_query

    async with asgi() as client:
        bearer = client.hub.tokens.issue(Principal(Role.ENTERPRISE, client.hub.settings.base_iri + "org/zj-pv", "ZJ"))
        response = await post(client, get_introspection_query(descriptions=True), Authorization=f"Bearer {bearer}")
        public = await post(client, get_introspection_query())
    body = response.json()
    assert "errors" not in body, body
    schema = build_client_schema(body["data"])
    assert schema.get_type("Footprint") is not None
    assert public.status_code == 400 and "Introspection needs a bearer token" in public.text


async def test_introspection_that_multiplies_through_fields_is_refused(asgi: Any) -> None:
    """Leaving introspection out of the depth limit must not open a cost bomb: `fields { type { fields ... } } }`
    multiplies at every level, and graphql-core's MaxIntrospectionDepthRule refuses it."""
    bomb = "{ __schema { types { " + "fields { type { " * 4 + "name" + " } }" * 4 + " } } }"
    async with asgi() as client:
        regulator = client.hub.settings.base_iri + "org/zj-regulator"
        bearer = client.hub.tokens.issue(Principal(Role.REGULATOR, regulator, "ZJ"))
        response = await post(client, bomb, Authorization=f"Bearer {bearer}")
    assert response.status_code == 400
    assert "Maximum introspection depth exceeded" in response.json()["errors"][0]["message"]

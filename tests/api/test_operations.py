"""Which operation runs, over real HTTP, now that strawberry's `schema.execute` answers (hub/api/http.py): GraphQL
asks for an operationName once a document holds several (strawberry alone would run the first), an empty query
is the client's error, not the hub's, and GET never runs a mutation."""

from __future__ import annotations

from tests.api.conftest import Live
from tests.api.fixtures import gql

TWO = "query A { a: __typename } query B { b: __typename }"


def test_a_document_with_two_operations_needs_an_operation_name(live: Live) -> None:
    response = gql(live.client, TWO)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "No operation to run: name it with operationName."}]}
    named = live.client.post(
        "/graphql", json={"query": TWO, "operationName": "B"}, headers={"Accept": "application/graphql-response+json"}
    )
    assert named.status_code == 200 and named.json() == {"data": {"b": "Query"}}


def test_an_unknown_operation_name_is_refused(live: Live) -> None:
    response = live.client.post("/graphql", json={"query": TWO, "operationName": "C"})
    assert response.status_code == 200 and "operationName" in response.json()["errors"][0]["message"]
    assert "data" not in response.json()


def test_an_empty_query_is_a_bad_request(live: Live) -> None:
    response = gql(live.client, "")
    assert response.status_code == 400
    assert "query" in response.json()["errors"][0]["message"] and "INTERNAL" not in response.text

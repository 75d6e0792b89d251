"""`@include` and `@skip` with a variable on a relation of a page: the look-ahead loading (hub/api/prefetch.py)
reads the operation's variables as graphql-core hands them over, and honours the directive like execution."""

from __future__ import annotations

from typing import Any

from hub.auth.principal import Role
from tests.api.fixtures import token

QUERY = """query($with: Boolean!, $without: Boolean!) {
  footprints(first: 3) { edges { node { id
    product @include(if: $with) { id }
    verifier @skip(if: $without) { id }
  } } }
}"""


async def _nodes(client: Any, variables: dict[str, bool]) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token(client.hub, Role.REGULATOR)}"}
    response = await client.post("/graphql", json={"query": QUERY, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["footprints"]["edges"]]


async def test_included_relations_of_a_page_are_loaded_and_skipped_ones_left_out(asgi: Any) -> None:
    async with asgi() as client:
        shown = await _nodes(client, {"with": True, "without": False})
        hidden = await _nodes(client, {"with": False, "without": True})
    assert len(shown) == 3 and all(n["product"]["id"].startswith("http") and "verifier" in n for n in shown)
    assert [set(n) for n in hidden] == [{"id"}] * 3

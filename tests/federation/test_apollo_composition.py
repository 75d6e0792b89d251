"""Issue 11 item 8: the hub's SDL (as a gateway reads it, `_service { sdl }` over HTTP) composes with a second
subgraph that extends `Footprint`, with The Guild's `@theguild/federation-composition` and with Apollo's
`@apollo/composition` (npm, installed once outside the repository; skipped where Node.js is absent)."""

from __future__ import annotations

import pytest

from hub.auth.principal import Role
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.federation import node_tools, reviews
from tests.security import reads_live

live_hub = reads_live.live_hub

LIBRARIES = ["guild", "apollo"]


def _subgraphs(live: Live, reviews_sdl: str) -> list[dict[str, str]]:
    body = gql(live.client, "{ _service { sdl } }", token(live.hub, Role.REGULATOR)).json()
    hub_sdl = body["data"]["_service"]["sdl"]
    return [
        {"name": "cfhub", "url": f"{live.server.url}/graphql", "sdl": hub_sdl},
        {"name": "reviews", "url": "http://127.0.0.1:9/graphql", "sdl": reviews_sdl},
    ]


@pytest.mark.slow
@pytest.mark.parametrize("library", LIBRARIES)
def test_the_hub_composes_with_a_subgraph_that_extends_footprint(live_hub: Live, library: str) -> None:
    folder = node_tools.installed()
    result = node_tools.compose(folder, library, _subgraphs(live_hub, reviews.sdl()))
    assert result["errors"] == []
    supergraph = result["supergraphSdl"]
    footprint = supergraph[supergraph.index("type Footprint") :].split("\n}")[0]
    assert 'join__type(graph: CFHUB, key: "id")' in footprint
    assert 'join__type(graph: REVIEWS, key: "id")' in footprint
    assert "reviewNote: String! @join__field(graph: REVIEWS)" in footprint
    assert "totalKgco2e: Float @join__field(graph: CFHUB)" in footprint


@pytest.mark.slow
@pytest.mark.parametrize("library", LIBRARIES)
def test_a_subgraph_that_contradicts_the_hubs_footprint_does_not_compose(live_hub: Live, library: str) -> None:
    """The composition is a real check: a second subgraph giving `totalKgco2e` another type is refused."""
    folder = node_tools.installed()
    clash = reviews.sdl().replace("reviewNote: String!", "reviewNote: String!\n  totalKgco2e: String! @shareable")
    clash = clash.replace('import: ["@key"]', 'import: ["@key", "@shareable"]')
    result = node_tools.compose(folder, library, _subgraphs(live_hub, clash))
    assert result["supergraphSdl"] is None
    assert any("totalKgco2e" in e for e in result["errors"]), result["errors"]

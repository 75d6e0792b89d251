"""Issue 11 item 8: a real Hive Gateway (`@graphql-hive/gateway`) in front of the real hub and a second subgraph
resolves fields from both, passing the caller's bearer token on, so the hub's policy still decides: an
enterprise sees what it sees on the hub itself, and a hidden field is FORBIDDEN through the gateway too.

Everything runs on loopback: the hub and the second subgraph under uvicorn, the gateway as a Node.js process
on a supergraph composed by `@theguild/federation-composition`. Skipped where Node.js is absent.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from hub.auth.principal import Role
from hub.domain.codes import FootprintStatus
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.api.live import LiveServer, free_port
from tests.federation import node_tools, reviews
from tests.federation.test_apollo_composition import _subgraphs
from tests.federation.test_apollo_subgraph import _footprint
from tests.security import reads_live

live_hub, db = reads_live.live_hub, reads_live.db

pytestmark = pytest.mark.slow


class Gateway:
    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url, self.client = url, client

    def ask(self, query: str, bearer: str | None) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        response = self.client.post(f"{self.url}/graphql", json={"query": query}, headers=headers)
        return dict(response.json())


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hive-gateway exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/readiness", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("hive-gateway did not become ready within 60 s")


@pytest.fixture(scope="module")
def gateway(live_hub: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    folder = node_tools.installed()
    with LiveServer(reviews.app()) as second:
        subgraphs = _subgraphs(live_hub, reviews.sdl())
        subgraphs[1]["url"] = f"{second.url}/graphql"
        composed = node_tools.compose(folder, "guild", subgraphs)
        assert composed["errors"] == []
        work = Path(tmp_path_factory.mktemp("gateway"))
        supergraph, log = work / "supergraph.graphql", work / "gateway.log"
        supergraph.write_text(composed["supergraphSdl"], encoding="utf-8")
        port = free_port()
        args = ["node", "node_modules/.bin/hive-gateway", "supergraph", str(supergraph)]
        args += ["--host", "127.0.0.1", "--port", str(port), "-c", "gateway.config.mjs"]
        url = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            process = subprocess.Popen(args, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_ready(process, url, log)
            with httpx.Client(timeout=60) as client:
                yield Gateway(url, client)
        finally:
            process.terminate()
            process.wait(timeout=15)


PAGE = "{ footprints(first: 10) { edges { node { id status totalKgco2e } } } }"
PAGE_WITH_REVIEWS = "{ footprints(first: 10) { edges { node { id status totalKgco2e reviewNote } } } }"


def test_a_query_resolves_fields_of_both_subgraphs_under_the_hubs_policy(live_hub: Live, gateway: Gateway) -> None:
    for org in ("zj-battery", "zj-pv"):
        bearer = token(live_hub.hub, Role.ENTERPRISE, org)
        direct = gql(live_hub.client, PAGE, bearer).json()["data"]["footprints"]["edges"]
        through = gateway.ask(PAGE_WITH_REVIEWS, bearer)
        assert "errors" not in through, through
        edges = through["data"]["footprints"]["edges"]
        assert [{k: v for k, v in e["node"].items() if k != "reviewNote"} for e in edges] == [e["node"] for e in direct]
        assert [e["node"]["reviewNote"] for e in edges] == [f"reviewed {e['node']['id']}" for e in direct]
        assert direct  # the enterprise sees footprints at all


def test_without_a_token_the_gateway_sees_what_the_public_sees(live_hub: Live, gateway: Gateway) -> None:
    """The public reads only labelled footprints (those behind a label page), through the gateway as directly."""
    through = gateway.ask(PAGE_WITH_REVIEWS, None)["data"]["footprints"]["edges"]
    direct = gql(live_hub.client, PAGE).json()["data"]["footprints"]["edges"]
    assert direct, "the demo has labelled footprints the public may read"
    assert [e["node"]["id"] for e in through] == [e["node"]["id"] for e in direct]
    assert [{k: e["node"][k] for k in ("status", "totalKgco2e")} for e in through] == [
        {k: e["node"][k] for k in ("status", "totalKgco2e")} for e in direct
    ]


def test_entities_through_the_gateway_keep_rows_and_fields_hidden(live_hub: Live, db: Engine, gateway: Gateway) -> None:
    """The second subgraph names two footprints; the gateway asks the hub's `_entities` for their fields."""
    hidden = _footprint(live_hub, db, "zj-materials", FootprintStatus.DRAFT)
    published = _footprint(live_hub, db, "zj-battery", FootprintStatus.PUBLISHED)
    fields = "id reviewNote status totalKgco2e verificationStatement"
    query = f'{{ spotlight(ids: ["{hidden}", "{published}"]) {{ {fields} }} }}'
    regulator = gateway.ask(query, token(live_hub.hub, Role.REGULATOR))
    assert "errors" not in regulator, regulator
    assert [s["status"] for s in regulator["data"]["spotlight"]] == ["draft", "published"]

    other = gateway.ask(query, token(live_hub.hub, Role.ENTERPRISE, "zj-pv"))
    first, second = other["data"]["spotlight"]
    assert (first["id"], first["reviewNote"], first["status"], first["totalKgco2e"]) == (
        hidden,
        f"reviewed {hidden}",
        None,
        None,
    )
    assert (second["status"], second["totalKgco2e"]) == ("published", regulator["data"]["spotlight"][1]["totalKgco2e"])
    assert second["verificationStatement"] is None
    forbidden = [e for e in other["errors"] if e.get("extensions", {}).get("code") == "FORBIDDEN"]
    # Hive Gateway reports an entity field's error without the list index: ["spotlight", "verificationStatement"]
    assert [(e["path"][0], e["path"][-1], e["extensions"]["serviceName"]) for e in forbidden] == [
        ("spotlight", "verificationStatement", "cfhub")
    ], other["errors"]
    assert "Not authorized to read Footprint.verificationStatement" in forbidden[0]["message"]

"""Issue 11 item 7: `federatedFootprints` over three real hubs (ZJ, YRD, GBA) on loopback.

Each peer answers under its own policy for the asking hub's platform client; the answers merge with their
provenance and page across peers; a stopped peer and one slowed past its timeout are named while the others'
records arrive; a peer never gives a field its agreement does not grant, nor a record it may not pass on.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.utils.str_converters import to_camel_case

from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.bootstrap import open_hub
from tests.api.live import LiveServer
from tests.federation.hubs import SHARED_FIELDS, Federation
from tests.federation.peering import connect

QUERY = """query($regions: [String!], $first: Int, $after: String) {
  federatedFootprints(regions: $regions, first: $first, after: $after) {
    edges { cursor node { record provenance { region hub did recordIri version fetchedAt } } }
    pageInfo { hasNextPage endCursor }
    peers { region status durationMs recordCount error }
  }
}"""
SHARED = {"id", *(to_camel_case(f) for f in SHARED_FIELDS)}


@contextmanager
def asker_with_timeout(fed: Federation, region: str, seconds: float) -> Iterator[str]:
    """The asking hub (same database and keys) served again with a short peer timeout; yields its URL."""
    settings = dataclasses.replace(fed[region].settings, peer_timeout_seconds=seconds)
    with LiveServer(create_app(hub=open_hub(settings))) as server:
        yield server.url


@contextmanager
def slowed(target: str, delay: float) -> Iterator[str]:
    """A proxy in front of a real hub that holds every request `delay` seconds first; yields its URL."""

    async def forward(request: Request) -> Response:
        await asyncio.sleep(delay)
        async with httpx.AsyncClient() as http:
            answer = await http.request(
                request.method,
                target + request.url.path,
                content=await request.body(),
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            )
        return Response(answer.content, answer.status_code, media_type=answer.headers.get("content-type"))

    app = Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST"])])
    with LiveServer(app) as server:
        yield server.url


def ask(url: str, bearer: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/graphql", json={"query": QUERY, "variables": variables}, headers={"authorization": f"Bearer {bearer}"}
    )
    return dict(answer.json())


def regulator(fed: Federation, region: str) -> str:
    settings = fed[region].settings
    hub = open_hub(settings)
    try:
        return hub.tokens.issue(Principal(Role.REGULATOR, f"{settings.base_iri}org/zj-regulator", region))
    finally:
        asyncio.run(hub.close())


def _shared_count(fed: Federation, region: str) -> int:
    """Footprints the region's hub shares with a partner: its agreements name published and verified ones."""
    sql = "SELECT count(*) FROM footprint WHERE status IN ('published', 'verified')"
    return int(fed.rows(region, sql)[0][0])


def test_three_hubs_answer_merged_with_provenance_and_page_across_peers(federation: Federation) -> None:
    fed = federation
    connect(fed, "ZJ", ("YRD", "GBA"))
    bearer, seen, pages, after = regulator(fed, "ZJ"), [], 0, None
    while True:
        body = ask(fed["ZJ"].url, bearer, first=40, after=after)
        assert "errors" not in body, body
        conn = body["data"]["federatedFootprints"]
        assert {(p["region"], p["status"]) for p in conn["peers"]} == {
            ("ZJ", "answered"),
            ("YRD", "answered"),
            ("GBA", "answered"),
        }
        seen += [e["node"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert pages > 1
    ids = [n["provenance"]["recordIri"] for n in seen]
    assert len(ids) == len(set(ids)), "a record came twice across pages"
    by_region = {r: [n for n in seen if n["provenance"]["region"] == r] for r in ("ZJ", "YRD", "GBA")}
    assert len(by_region["ZJ"]) == int(fed.rows("ZJ", "SELECT count(*) FROM footprint")[0][0])
    for region in ("YRD", "GBA"):
        assert len(by_region[region]) == _shared_count(fed, region)
        for node in by_region[region]:
            prov = node["provenance"]
            assert (prov["hub"], prov["did"]) == (fed[region].url, fed[region].did)
            assert prov["recordIri"].startswith(fed[region].settings.base_iri)
            assert set(node["record"]) <= SHARED, set(node["record"]) - SHARED  # only what the agreement grants
            assert node["record"]["status"] in {"published", "verified"}
    assert "biogenicKgco2e" in by_region["ZJ"][0]["record"]  # the asker's own: every asked field the regulator reads


def test_a_stopped_peer_and_a_slow_peer_cost_at_most_their_timeout(federation: Federation) -> None:
    fed = federation
    connect(fed, "ZJ", ("YRD", "GBA"))
    bearer = regulator(fed, "ZJ")
    fed["YRD"].server.__exit__(None, None, None)  # stopped
    with slowed(fed["GBA"].url, delay=4.0) as proxy:
        engine = fed.engine("ZJ")
        with engine.begin() as conn:
            conn.execute(text("UPDATE peer SET base_url = :u WHERE region = 'GBA'"), {"u": proxy})
        engine.dispose()
        with asker_with_timeout(fed, "ZJ", 1.0) as url:
            body = ask(url, bearer, first=10)
    assert "errors" not in body, body
    conn = body["data"]["federatedFootprints"]
    peers = {p["region"]: p for p in conn["peers"]}
    assert peers["ZJ"]["status"] == "answered" and peers["ZJ"]["recordCount"] == 10
    assert peers["YRD"]["status"] == "failed" and "could not be reached" in peers["YRD"]["error"]
    assert peers["GBA"]["status"] == "timed_out" and peers["GBA"]["durationMs"] >= 1000
    assert peers["GBA"]["error"] == "no answer within 1 s"
    assert {e["node"]["provenance"]["region"] for e in conn["edges"]} == {"ZJ"}
    assert conn["pageInfo"]["hasNextPage"] is True


def test_a_record_under_no_onward_transfer_never_reaches_a_third_hub(federation: Federation) -> None:
    """GBA shares with ZJ under "no onward transfer"; YRD asking ZJ never gets GBA's records."""
    fed = federation
    bundle = fed.export("GBA", "ZJ")
    imported = fed.cli("ZJ", "import", str(bundle))
    assert imported.exit_code == 0, imported.output
    assert int(fed.rows("ZJ", "SELECT count(*) FROM imported_record")[0][0]) > 0
    connect(fed, "YRD", ("ZJ",))
    body = ask(fed["YRD"].url, regulator(fed, "YRD"), regions=["ZJ"], first=100)
    assert "errors" not in body, body
    conn = body["data"]["federatedFootprints"]
    assert conn["peers"] == [{**conn["peers"][0], "region": "ZJ", "status": "answered"}]
    iris = [e["node"]["provenance"]["recordIri"] for e in conn["edges"]]
    assert iris and all(i.startswith(fed["ZJ"].settings.base_iri) for i in iris)
    assert not any(fed["GBA"].settings.base_iri in str(e["node"]) for e in conn["edges"])


def test_only_the_regulator_asks_and_bad_input_is_named(federation: Federation) -> None:
    fed = federation
    settings = fed["ZJ"].settings
    hub = open_hub(settings)
    try:
        enterprise = hub.tokens.issue(Principal(Role.ENTERPRISE, f"{settings.base_iri}org/zj-battery", "ZJ"))
        platform = hub.tokens.issue(Principal(Role.REGIONAL_PLATFORM, f"{settings.base_iri}org/yrd-platform", "YRD"))
    finally:
        asyncio.run(hub.close())
    for bearer in (enterprise, platform):
        body = ask(fed["ZJ"].url, bearer)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "may not run federatedFootprints" in body["errors"][0]["message"]
    bearer = regulator(fed, "ZJ")
    bad = ask(fed["ZJ"].url, bearer, regions=["ZJ", "XX"])["errors"][0]["extensions"]["fields"]
    assert bad == [
        {"path": "$.regions[1]", "reason": "is neither this hub's region nor a peer's: 'XX' (known: ZJ, GBA, YRD)"}
    ]
    forged = ask(fed["ZJ"].url, bearer, after="eyJaSiI6WyIxIiwgZmFsc2VdfQ==")["errors"][0]["extensions"]["fields"]
    assert forged == [{"path": "$.after", "reason": "is not a cursor this hub issued for these regions"}]


def test_peer_tokens_are_reused_and_refused_fields_not_asked_again(federation: Federation) -> None:
    """Counting work: the second query fetches no new token at either peer, and asks no field a peer refused
    on every record, yet gives the same records."""
    fed = federation
    connect(fed, "ZJ", ("YRD", "GBA"))
    bearer = regulator(fed, "ZJ")
    hub = open_hub(fed["ZJ"].settings)
    with LiveServer(create_app(hub=hub)) as server:
        first = ask(server.url, bearer, regions=["YRD", "GBA"], first=10)
        sessions = dict(hub.peer_sessions)
        second = ask(server.url, bearer, regions=["YRD", "GBA"], first=10)
    assert set(sessions) == {fed["YRD"].url, fed["GBA"].url}
    assert all(hub.peer_sessions[url] is held for url, held in sessions.items())  # no token fetched again
    assert "biogenicKgco2e" in sessions[fed["YRD"].url].refused  # not in the agreement: not asked again
    assert "totalKgco2e" not in sessions[fed["YRD"].url].refused

    def records(body: dict[str, Any]) -> list[Any]:
        return [e["node"]["record"] for e in body["data"]["federatedFootprints"]["edges"]]

    assert records(first) == records(second) and len(records(first)) == 10

"""`POST /3/events` on a real hub over HTTP: requests answered by the hub from what the requester may read
(fulfilled, or rejected with the same words whether the footprint is unreadable or absent), answers delivered
to the requester's host through the outbox; bad events refused with the spec's `{code, message}` and status,
naming the field, writing nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import AuditEvent, Footprint, PactOutboxEvent, PactPartner, PactRequest, Product
from hub.domain.codes import FootprintStatus
from hub.mapping.functions import urn_for
from hub.pact.answer import NOT_FOUND, answer
from hub.pact.partners import PartnerInput, add_partner
from hub.pact.requests import send_request
from hub.services.uow import unit_of_work
from tests.api.live import LiveServer
from tests.pact.pact_hubs import host_app, wait_for
from tests.pact.receiver import Received, receiving

CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
CE = {"Content-Type": "application/cloudevents+json; charset=UTF-8"}


@dataclass
class Live:
    hub: Hub
    http: httpx.Client
    received: Received
    intl: Principal

    def post(self, event: Any, token: str | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        bearer = token if token is not None else self.hub.tokens.issue(self.intl)
        body = event if isinstance(event, bytes) else orjson.dumps(event)
        return self.http.post(
            "/3/events", content=body, headers={**CE, "Authorization": f"Bearer {bearer}", **(headers or {})}
        )


def created(data: dict[str, Any], event_id: str = "req-1") -> dict[str, Any]:
    return {
        "type": CREATED,
        "specversion": "1.0",
        "id": event_id,
        "source": "//zj.example/3/events",
        "time": "2026-11-27T10:00:00Z",
        "data": data,
    }


@pytest.fixture
async def live(demo_db_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    settings = Settings(database_url=demo_db_url, key_dir=tmp_path)
    hub = open_hub(settings)
    intl = Principal(Role.INTERNATIONAL_BODY, f"{settings.base_iri}org/intl-body", "INTL")
    with receiving() as (url, received), LiveServer(host_app(open_hub(settings))) as server:
        await _partner(hub, url, intl)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            yield Live(hub, http, received, intl)
    await hub.close()


async def _partner(hub: Hub, url: str, intl: Principal) -> None:
    async with unit_of_work(hub.sessions) as session:
        await add_partner(session, PartnerInput("requester", url, "c", "s", organization_iri=intl.org_iri))


async def counts(hub: Hub) -> tuple[int, int]:
    async with hub.sessions() as session:
        requests = await session.scalar(select(func.count()).select_from(PactRequest))
        events = await session.scalar(select(func.count()).select_from(PactOutboxEvent))
        return int(requests or 0), int(events or 0)


async def published_audited(hub: Hub) -> list[list[str]]:
    """The pfIds of every PublishedEvent the hub recorded, oldest first."""
    async with hub.sessions() as session:
        details = await session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "pact:published").order_by(AuditEvent.id)
        )
        return [d["pfIds"] for d in details]


async def _unreadable_product(hub: Hub) -> str:
    """A product whose footprints are all drafts: an international body may read none of them."""
    async with hub.sessions() as session:
        published = select(Footprint.product_id).where(Footprint.status == FootprintStatus.PUBLISHED)
        iri = await session.scalar(
            select(Product.iri)
            .join(Footprint, Footprint.product_id == Product.id)
            .where(Footprint.status == FootprintStatus.DRAFT, Product.id.not_in(published))
            .limit(1)
        )
    assert iri is not None
    return urn_for(iri, "product")


async def test_a_request_for_readable_footprints_is_fulfilled_and_others_are_rejected_alike(live: Live) -> None:
    readable = (await answer(live.hub, live.intl, {}, limit=None)).pfs
    wanted = readable[0]["productIds"][-1]
    expected = {pf["id"] for pf in readable if wanted in pf["productIds"]}
    assert live.post(created({"productId": [wanted.upper()]}, "req-ok")).status_code == 200
    unreadable = await _unreadable_product(live.hub)
    assert live.post(created({"productId": [unreadable]}, "req-hidden")).status_code == 200
    assert live.post(created({"productId": ["urn:null"]}, "req-absent")).status_code == 200

    bodies = await wait_for(lambda: _delivered(live, 3), "three answers")
    by_request = {b["data"]["requestEventId"]: b for b in bodies}
    fulfilled = by_request["req-ok"]
    assert fulfilled["type"] == "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
    assert {pf["id"] for pf in fulfilled["data"]["pfs"]} == expected
    for name in ("req-hidden", "req-absent"):
        assert by_request[name]["type"] == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
        assert by_request[name]["data"]["error"] == {"code": "NotFound", "message": NOT_FOUND}

    # a sender that retries the same event is answered once
    assert live.post(created({"productId": [wanted]}, "req-ok")).status_code == 200
    assert await counts(live.hub) == (3, 3)


async def _delivered(live: Live, n: int) -> list[dict[str, Any]] | None:
    async with live.hub.sessions() as session:
        rows = list(await session.scalars(select(PactOutboxEvent).where(PactOutboxEvent.status == "delivered")))
    return [r.payload for r in rows] if len(rows) >= n and live.received.total() >= n else None


@pytest.mark.parametrize(
    ("event", "status", "code", "words"),
    [
        (created({"productId": "urn:x"}), 400, "BadRequest", "$.data.productId: 'urn:x' is not of type 'array'"),
        ({**created({}), "specversion": "0.3"}, 400, "BadRequest", "$.specversion: '1.0' was expected"),
        ({**created({}), "type": "org.example.Other"}, 400, "BadRequest", "$.type: 'org.example.Other' is not one of"),
        ({k: v for k, v in created({}).items() if k != "id"}, 400, "BadRequest", "'id' is a required property"),
        ({**created({}), "time": "yesterday"}, 400, "BadRequest", "$.time"),
        (created({"validOn": "2026-13-45T00:00:00Z"}), 400, "BadRequest", "$.data.validOn"),
        (created({"productId": ["x" * 300]}), 400, "BadRequest", "$.data.productId.0"),
        (b'{"type": NaN}', 400, "BadRequest", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "BadRequest", "not JSON"),
        (b"x" * (9 * 1024 * 1024), 400, "BadRequest", "larger than"),
        ([created({})], 400, "BadRequest", "is not of type 'object'"),
    ],
)
async def test_a_bad_event_is_refused_naming_the_field_and_nothing_is_written(
    live: Live, event: Any, status: int, code: str, words: str
) -> None:
    before = await counts(live.hub)
    response = live.post(event)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and words in body["message"], body
    assert await counts(live.hub) == before


async def test_without_a_valid_token_or_as_a_stranger_the_event_is_refused(live: Live) -> None:
    before = await counts(live.hub)
    no_token = live.http.post("/3/events", content=orjson.dumps(created({})), headers=CE)
    assert no_token.status_code == 401 and no_token.json()["code"] == "BadRequest"
    assert live.post(created({}), token="invalid-access-token").status_code == 401
    wrong_type = live.post(created({}), headers={"Content-Type": "application/json"})
    assert wrong_type.status_code == 400 and "application/cloudevents+json" in wrong_type.json()["message"]
    stranger = live.hub.tokens.issue(Principal(Role.ENTERPRISE, f"{live.hub.settings.base_iri}org/zj-battery", "ZJ"))
    refused = live.post(created({}), token=stranger)
    assert refused.status_code == 403 and refused.json()["code"] == "AccessDenied"
    answer_of_nothing = {**created({}), "type": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"}
    answer_of_nothing["data"] = {"requestEventId": "never-sent", "error": {"code": "NotFound", "message": "no"}}
    unknown = live.post(answer_of_nothing)
    assert unknown.status_code == 400 and "$.data.requestEventId: names no request" in unknown.json()["message"]
    assert await counts(live.hub) == before


async def test_a_published_event_is_accepted_from_any_authenticated_caller_and_audited(live: Live) -> None:
    event = {**created({}), "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"}
    event["data"] = {"pfIds": ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]}
    response = live.post(event)
    assert (response.status_code, response.content) == (200, b"")
    assert await published_audited(live.hub) == [["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]]
    malformed = {**event, "data": {"productId": ["urn:gtin:4712345060507"]}}
    assert live.post(malformed).status_code == 400
    # the conformance tool's case #40: a PfId is a UUID (spec: PublishedEvent.data.pfIds items, format uuid)
    not_a_pf_id = live.post({**event, "data": {"pfIds": ["urn:gtin:4712345060507"]}})
    assert not_a_pf_id.status_code == 400 and not_a_pf_id.json()["code"] == "BadRequest"
    assert "$.data.pfIds.0: 'urn:gtin:4712345060507' is not a 'uuid'" in not_a_pf_id.json()["message"]
    assert await published_audited(live.hub) == [["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]]


async def test_of_twenty_answers_to_one_request_posted_at_once_exactly_one_is_taken(live: Live) -> None:
    async with unit_of_work(live.hub.sessions) as session:
        partner = await session.scalar(select(PactPartner).where(PactPartner.name == "requester"))
        assert partner is not None
        request = await send_request(session, live.hub, partner, {"productId": ["urn:x"]})
    answer_event = {**created({}), "type": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"}
    token = live.hub.tokens.issue(live.intl)
    headers = {**CE, "Authorization": f"Bearer {token}"}

    async def post(i: int) -> int:
        body = {**answer_event, "id": f"answer-{i}"}
        body["data"] = {"requestEventId": request.event_id, "error": {"code": "NotFound", "message": f"no {i}"}}
        async with httpx.AsyncClient(base_url=str(live.http.base_url), timeout=60) as http:
            return (await http.post("/3/events", content=orjson.dumps(body), headers=headers)).status_code

    statuses = await asyncio.gather(*(post(i) for i in range(20)))
    assert sorted(statuses) == [200] + [400] * 19
    async with live.hub.sessions() as session:
        answered = await session.get_one(PactRequest, request.id)
    assert answered.status == "rejected" and answered.reason is not None and answered.reason.startswith("NotFound: no ")

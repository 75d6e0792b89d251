"""Requests fulfilled by the hub, between two real hubs on loopback: the ZJ hub sends a RequestCreatedEvent to
the GBA hub through its outbox; GBA answers by itself from what ZJ may read there, posting the answer to ZJ's
`/3/events` with a token from ZJ's token endpoint; ZJ stores the footprints as supplier footprints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hub.db.models import PactPartner, PactRequest, PactSupplierFootprint
from hub.pact.answer import NOT_FOUND, answer
from hub.pact.outbox import drain
from hub.pact.requests import send_request
from hub.services.uow import unit_of_work
from tests.pact.pact_hubs import Pair, two_hubs, wait_for
from tests.pact.test_pull_two_hubs import intl


async def _ask(pair: Pair, criteria: dict[str, Any]) -> str:
    async with unit_of_work(pair.zj.sessions) as session:
        partner = await session.scalar(select(PactPartner).where(PactPartner.name == "gba"))
        assert partner is not None
        request = await send_request(session, pair.zj, partner, criteria)
    async with httpx.AsyncClient(timeout=60) as http:  # what ZJ's outbox worker does (it may be first)
        await drain(pair.zj, http)
    return request.event_id


async def _answered(pair: Pair, event_id: str) -> PactRequest | None:
    async with pair.zj.sessions() as session:
        found = await session.scalar(select(PactRequest).where(PactRequest.event_id == event_id))
    return found if found is not None and found.status != "pending" else None


async def test_a_request_is_fulfilled_by_the_other_hub_and_its_footprints_stored(
    demo_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    async with two_hubs(demo_db_url, empty_db_url, tmp_path) as pair:
        readable = (await answer(pair.gba, intl(pair), {}, limit=None)).pfs
        wanted = readable[0]["productIds"][-1]
        expected = {pf["id"] for pf in readable if wanted in pf["productIds"]}

        event_id = await _ask(pair, {"productId": [wanted]})
        fulfilled = await wait_for(lambda: _answered(pair, event_id), "GBA's answer")
        assert (fulfilled.status, fulfilled.reason) == ("fulfilled", None)
        async with pair.zj.sessions() as session:
            stored = set(await session.scalars(select(PactSupplierFootprint.pact_id)))
        assert stored == expected and len(fulfilled.footprint_ids) == len(expected)

        rejected_id = await _ask(pair, {"productId": ["urn:cfhub:product:none-such"]})
        rejected = await wait_for(lambda: _answered(pair, rejected_id), "GBA's rejection")
        assert (rejected.status, rejected.reason) == ("rejected", f"NotFound: {NOT_FOUND}")

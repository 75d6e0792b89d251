"""The outbox of PACT events on a real database and real HTTP: twenty concurrent deliverers deliver each event
once; a receiver that is down gets the event later, after a backoff on the hub's clock, and not at all after
72 hours; a hub stopped with undelivered events delivers them when it starts again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from hub.app import create_app
from hub.bootstrap import Hub, open_hub
from hub.clock import FixedClock
from hub.config import Settings
from hub.db.models import PactOutboxEvent, PactPartner
from hub.pact.outbox import backoff, cloud_event, drain, enqueue
from hub.pact.partners import PartnerInput, add_partner
from hub.services.uow import unit_of_work
from tests.api.live import LiveServer
from tests.pact.pact_hubs import wait_for
from tests.pact.receiver import receiving, unused_url

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
async def hub(empty_db_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    found = open_hub(Settings(database_url=empty_db_url, key_dir=tmp_path), clock=FixedClock(T0))
    yield found
    await found.close()


async def queue(hub: Hub, url: str, n: int) -> list[str]:
    async with unit_of_work(hub.sessions) as session:
        partner = await session.scalar(select(PactPartner).where(PactPartner.base_url == url))
        if partner is None:
            name = "receiver-" + url.rsplit(":", 1)[-1]
            partner = await add_partner(session, PartnerInput(name, url, "client", "secret"))
        events = [cloud_event(hub, "published", {"pfIds": [f"id-{i}"]}, T0) for i in range(n)]
        for event in events:
            await enqueue(session, partner, event)
    return [e["id"] for e in events]


async def statuses(hub: Hub) -> list[tuple[str, int]]:
    async with hub.sessions() as session:
        rows = await session.execute(
            select(PactOutboxEvent.status, PactOutboxEvent.attempts).order_by(PactOutboxEvent.id)
        )
        return [(status, attempts) for status, attempts in rows]


async def test_twenty_concurrent_deliverers_deliver_each_event_once(hub: Hub) -> None:
    with receiving() as (url, received):
        ids = await queue(hub, url, 10)

        async def deliverer() -> dict[str, int]:
            async with httpx.AsyncClient(timeout=30) as http:
                return await drain(hub, http)

        outcomes = await asyncio.gather(*(deliverer() for _ in range(20)))
    assert sum(o.get("delivered", 0) for o in outcomes) == 10
    assert dict(received.by_id) == dict.fromkeys(ids, 1)
    assert await statuses(hub) == [("delivered", 0)] * 10


async def test_a_receiver_that_is_down_is_retried_with_backoff_and_given_up_after_72_hours(hub: Hub) -> None:
    clock = hub.clock
    assert isinstance(clock, FixedClock)
    port, url = unused_url()
    await queue(hub, url, 1)
    async with httpx.AsyncClient(timeout=5) as http:
        assert await drain(hub, http) == {"pending": 1}
        assert await statuses(hub) == [("pending", 1)]
        assert await drain(hub, http) == {}  # not due before the backoff has passed
        clock.advance(backoff(1) - timedelta(seconds=1))
        assert await drain(hub, http) == {}
        clock.advance(timedelta(seconds=1))
        assert await drain(hub, http) == {"pending": 1}
        assert await statuses(hub) == [("pending", 2)]
        async with hub.sessions() as session:
            row = await session.scalar(select(PactOutboxEvent))
        assert row is not None and row.next_attempt_at == clock.now() + backoff(2) == clock.now() + timedelta(minutes=1)
        assert "unreachable" in (row.last_error or "")
        with receiving(port) as (_, received):  # the receiver is back: the next due attempt delivers
            clock.advance(backoff(2))
            assert await drain(hub, http) == {"delivered": 1}
        assert received.total() == 1 and await statuses(hub) == [("delivered", 2)]

        await queue(hub, unused_url()[1], 1)
        clock.advance(timedelta(hours=72))
        assert await drain(hub, http) == {"abandoned": 1}
        assert await drain(hub, http) == {}


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 8, 20)] == [30, 60, 120, 240, 1920, 3600, 3600]


async def test_a_hub_stopped_with_undelivered_events_delivers_them_when_it_starts(
    empty_db_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=empty_db_url, key_dir=tmp_path)
    port, url = unused_url()
    writer = open_hub(settings)
    try:
        ids = await queue(writer, url, 3)
        with LiveServer(create_app(hub=open_hub(settings))):  # the receiver is down while this hub runs
            await wait_for(lambda: _attempted(writer), "a first, failed delivery")
        assert {s for s, _ in await statuses(writer)} == {"pending"}
        later = FixedClock(datetime.now(UTC) + timedelta(minutes=5))  # after the backoff
        with receiving(port) as (_, received), LiveServer(create_app(hub=open_hub(settings, clock=later))):
            await wait_for(lambda: _delivered(writer, 3), "the events left queued")
        assert dict(received.by_id) == dict.fromkeys(ids, 1)
    finally:
        await writer.close()


async def _attempted(hub: Hub) -> bool:
    return all(attempts >= 1 for _, attempts in await statuses(hub))


async def _delivered(hub: Hub, n: int) -> bool:
    return [s for s, _ in await statuses(hub)] == ["delivered"] * n

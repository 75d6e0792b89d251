"""The outbox of PACT events: persisted, delivered by workers that claim rows with a compare-and-set, retried
with exponential backoff on the hub's clock, abandoned after 72 hours (the spec's SHOULD).

An event is written in the same transaction as what caused it (a request received, a footprint published),
so it is never lost and never sent for something that rolled back. A worker claims a due row with
`UPDATE ... SET status='sending', claim=<its token> WHERE id=:id AND status=:seen AND claim IS :seen_claim`:
of workers that saw the same row, exactly one matches it, and only that one posts it. The claim is a lease:
a worker that dies leaves a row whose lease runs out, and another worker takes it over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.clock import clock_of
from hub.db.models import PactOutboxEvent, PactPartner
from hub.pact.client import PactClient, PactHostError
from hub.services.uow import unit_of_work

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=72)
LEASE = timedelta(minutes=2)  # longer than one delivery's HTTP timeouts, so a live worker keeps its claim
BATCH = 50
log = logging.getLogger(__name__)

EVENT_TYPES = {
    "created": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    "fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    "rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
    "published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
}


def events_source(hub: Hub) -> str:
    """The CloudEvents `source` of this hub's events: its events endpoint, from its public base URL."""
    return f"//{hub.settings.public_base_url.split('://', 1)[-1].rstrip('/')}/3/events"


def cloud_event(hub: Hub | None, kind: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A CloudEvent (structured mode) from this hub. Without the hub at hand (a service that holds only a
    session), `source` is filled in by the worker that sends it."""
    event = {
        "type": EVENT_TYPES[kind],
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": data,
    }
    return event if hub is None else {**event, "source": events_source(hub)}


async def enqueue(session: AsyncSession, partner: PactPartner, event: dict[str, Any]) -> PactOutboxEvent:
    now = clock_of(session).now()
    row = PactOutboxEvent(
        event_id=event["id"],
        event_type=event["type"],
        partner_id=partner.id,
        payload=event,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


@dataclass(frozen=True)
class Claimed:
    id: int
    claim: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    partner: PactPartner


async def claim_due(hub: Hub, limit: int = BATCH) -> list[Claimed]:
    """Claim up to `limit` due events for this caller; each is claimed by one caller only."""
    now = hub.clock.now()
    due = or_(PactOutboxEvent.status == "pending", PactOutboxEvent.status == "sending")
    async with hub.sessions() as session:
        seen = (
            await session.execute(
                select(PactOutboxEvent.id, PactOutboxEvent.status, PactOutboxEvent.claim)
                .where(due, PactOutboxEvent.next_attempt_at <= now)
                .order_by(PactOutboxEvent.next_attempt_at, PactOutboxEvent.id)
                .limit(limit)
            )
        ).all()
    claimed: list[Claimed] = []
    for row_id, status, old_claim in seen:
        token = uuid.uuid4().hex
        async with unit_of_work(hub.sessions) as session:
            result = await session.execute(
                update(PactOutboxEvent)
                .where(
                    PactOutboxEvent.id == row_id,
                    PactOutboxEvent.status == status,
                    PactOutboxEvent.claim.is_(None) if old_claim is None else PactOutboxEvent.claim == old_claim,
                    PactOutboxEvent.next_attempt_at <= now,
                )
                .values(status="sending", claim=token, next_attempt_at=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                continue
            row = await session.get_one(PactOutboxEvent, row_id)
            partner = await session.get_one(PactPartner, row.partner_id)
            claimed.append(Claimed(row_id, token, row.payload, row.attempts, row.created_at, partner))
    return claimed


async def _settle(hub: Hub, item: Claimed, **values: Any) -> None:
    """Record a delivery's outcome, only while the claim is still this worker's."""
    async with unit_of_work(hub.sessions) as session:
        await session.execute(
            update(PactOutboxEvent)
            .where(PactOutboxEvent.id == item.id, PactOutboxEvent.claim == item.claim)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def deliver(hub: Hub, item: Claimed, http: httpx.AsyncClient) -> str:
    """Post one claimed event to its partner; returns the status it leaves the row in."""
    p = item.partner
    client = PactClient(p.base_url, p.token_url, p.client_id, p.client_secret, http)
    error: str
    try:
        response = await client.post_event({"source": events_source(hub), **item.payload})
    except PactHostError as failed:
        error = str(failed)
    else:
        if 200 <= response.status_code < 300:
            await _settle(hub, item, status="delivered", delivered_at=hub.clock.now(), claim=None, last_error=None)
            return "delivered"
        error = f"{p.base_url}/3/events answered {response.status_code}: {response.text[:300]}"
    now = hub.clock.now()
    attempts = item.attempts + 1
    if now - item.created_at >= GIVE_UP_AFTER:
        await _settle(hub, item, status="abandoned", attempts=attempts, claim=None, last_error=error)
        return "abandoned"
    values = {"status": "pending", "attempts": attempts, "claim": None, "last_error": error}
    await _settle(hub, item, next_attempt_at=now + backoff(attempts), **values)
    return "pending"


async def drain(hub: Hub, http: httpx.AsyncClient) -> dict[str, int]:
    """Deliver every event due now (one pass); counts of the outcomes."""
    counts: dict[str, int] = {}
    while True:
        batch = await claim_due(hub)
        if not batch:
            return counts
        for item in batch:  # a failed one is due again only later: the loop ends
            outcome = await deliver(hub, item, http)
            counts[outcome] = counts.get(outcome, 0) + 1


class OutboxWorker:
    """Drains the outbox in the background of a serving hub: at start-up (what a stopped hub left undelivered),
    whenever an event is enqueued (`kick`), and every `interval` seconds for retries that come due."""

    def __init__(self, hub: Hub, interval: float = 5.0) -> None:
        self.hub = hub
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                self._wake.clear()
                try:
                    await drain(self.hub, http)
                except Exception:  # a database hiccup must not end the worker: the rows stay due, it is logged
                    log.exception("PACT outbox: a drain failed; the events stay queued")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[OutboxWorker]:
        self._task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

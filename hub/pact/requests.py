"""PACT requests between hubs, as use cases: a RequestCreatedEvent received (answered by the hub), one sent
(answered by the partner), the answer to one we sent, and a PublishedEvent for a newer version of a
footprint a partner was sent. Each runs in the caller's transaction; outgoing events go to the outbox."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.clock import clock_of
from hub.db.models import Footprint, PactPartner, PactRequest
from hub.mapping.functions import uuid_for
from hub.pact.answer import NOT_FOUND, Answer
from hub.pact.outbox import cloud_event, enqueue
from hub.pact.supplier import store_pact_footprint
from hub.services import audit
from hub.validation import FieldError, InvalidInput


async def record_received(
    session: AsyncSession, hub: Hub, partner: PactPartner, event: dict[str, Any], answer: Answer
) -> bool:
    """Store a received request and queue its answer; False when this event id was received before (a sender
    retrying: it is answered once)."""
    now = clock_of(session).now()
    request = PactRequest(
        event_id=event["id"],
        direction="received",
        partner_id=partner.id,
        criteria=event["data"],
        status="fulfilled" if answer.fulfilled else "rejected",
        footprint_ids=answer.footprint_ids,
        reason=None if answer.fulfilled else NOT_FOUND,
        created_at=now,
        answered_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        return False
    if answer.fulfilled:
        data: dict[str, Any] = {"requestEventId": event["id"], "pfs": answer.pfs}
        reply = cloud_event(hub, "fulfilled", data, now)
    else:
        error = {"code": "NotFound", "message": NOT_FOUND}
        reply = cloud_event(hub, "rejected", {"requestEventId": event["id"], "error": error}, now)
    await enqueue(session, partner, reply)
    detail = {"event": event["id"], "answer": reply["type"], "footprints": len(answer.pfs)}
    await audit.record(session, partner.organization_iri or partner.name, "pact:request", "PactRequest", None, detail)
    return True


async def send_request(session: AsyncSession, hub: Hub, partner: PactPartner, criteria: dict[str, Any]) -> PactRequest:
    """Ask a partner for footprints: the RequestCreatedEvent goes out through the outbox."""
    now = clock_of(session).now()
    event = cloud_event(hub, "created", criteria, now)
    request = PactRequest(
        event_id=event["id"],
        direction="sent",
        partner_id=partner.id,
        criteria=criteria,
        status="pending",
        footprint_ids=[],
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await enqueue(session, partner, event)
    return request


async def _sent_request(session: AsyncSession, partner: PactPartner, event_id: str) -> PactRequest:
    found = await session.scalar(
        select(PactRequest).where(
            PactRequest.partner_id == partner.id, PactRequest.direction == "sent", PactRequest.event_id == event_id
        )
    )
    if found is None:
        raise InvalidInput([FieldError("$.data.requestEventId", "names no request this hub sent to you")])
    if found.status != "pending":
        raise InvalidInput([FieldError("$.data.requestEventId", f"was answered already ({found.status})")])
    return found


async def receive_answer(session: AsyncSession, partner: PactPartner, event: dict[str, Any], actor: str) -> PactRequest:
    """A RequestFulfilledEvent or RequestRejectedEvent for a request we sent: the footprints are stored as
    supplier footprints (each refused one with its reason), or the rejection's message is kept.

    The request moves out of `pending` with one compare-and-set, so of two answers posted at once only one is
    taken (the other is told the request was answered already)."""
    request = await _sent_request(session, partner, event["data"]["requestEventId"])
    rejected = event["type"].endswith("RequestRejectedEvent.3")
    claimed = await session.execute(
        update(PactRequest)
        .where(PactRequest.id == request.id, PactRequest.status == "pending")
        .values(status="rejected" if rejected else "fulfilled", answered_at=clock_of(session).now())
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        raise InvalidInput([FieldError("$.data.requestEventId", "was answered already")])
    reason: str | None
    stored: list[int] = []
    if rejected:
        error = event["data"]["error"]
        reason = f"{error['code']}: {error['message']}"
    else:
        stored, refusals = await _store_all(session, partner, event["data"]["pfs"], actor)
        reason = "\n".join(refusals)[:10_000] or None
    await session.execute(
        update(PactRequest)
        .where(PactRequest.id == request.id)
        .values(reason=reason, footprint_ids=stored)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    detail = {"event": event["id"], "request": request.event_id, "status": request.status}
    await audit.record(session, actor, "pact:answer", "PactRequest", None, detail)
    return request


async def _store_all(
    session: AsyncSession, partner: PactPartner, pfs: list[Any], actor: str
) -> tuple[list[int], list[str]]:
    stored: list[int] = []
    refusals: list[str] = []
    for pf in pfs:
        outcome = await store_pact_footprint(session, partner.base_url, pf, actor)
        if outcome.footprint_id is not None:
            stored.append(outcome.footprint_id)
        if outcome.reasons:
            refusals.append(f"{outcome.pact_id}: {'; '.join(outcome.reasons)}")
    return stored, refusals


async def announce_newer_version(session: AsyncSession, footprint: Footprint) -> int:
    """A newer version of footprints partners were sent is published: each such partner gets a PublishedEvent
    naming it (the PACT id of the new version). Returns how many were queued."""
    superseded = footprint.supersedes_id
    if superseded is None:
        return 0
    rows = await session.scalars(
        select(PactRequest).where(PactRequest.direction == "received", PactRequest.status == "fulfilled")
    )
    partners = {r.partner_id for r in rows if superseded in (r.footprint_ids or [])}
    now = clock_of(session).now()
    for partner_id in sorted(partners):
        partner = await session.get_one(PactPartner, partner_id)
        await enqueue(session, partner, cloud_event(None, "published", {"pfIds": [uuid_for(footprint.iri)]}, now))
    return len(partners)

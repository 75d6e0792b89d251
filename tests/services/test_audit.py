"""Appending to the audit trail: each event links to the newest one before it, and the check counts them."""

from __future__ import annotations

from sqlalchemy import select, update

from hub.bootstrap import Hub
from hub.db.models import AuditEvent
from hub.services import audit
from hub.services.uow import unit_of_work


async def test_events_are_chained_in_order_and_checked(empty_hub: Hub) -> None:
    async with unit_of_work(empty_hub.sessions) as session:
        first = await audit.record(session, "urn:actor:a", "create", "Product", "urn:p:1", {"k": "v"})
        second = await audit.record(session, "urn:actor:b", "update", "Product", "urn:p:1")
        third = await audit.record(session, "urn:actor:a", "delete", "Product", None, {"why": "test"})
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert second.detail == {} and first.at.microsecond == 0
    for e in (first, second, third):
        assert e.hash == audit.event_hash(e.prev_hash, e.at, e.actor, e.action, e.record_type, e.record_iri, e.detail)
    async with empty_hub.sessions() as session:
        check = await audit.verify_chain(session)
    assert (check.ok, check.events, check.first_broken_id, check.reason) == (True, 3, None, None)


async def test_the_check_names_the_first_broken_event_and_how_far_it_got(empty_hub: Hub) -> None:
    async with unit_of_work(empty_hub.sessions) as session:
        events = [await audit.record(session, "urn:actor:a", "create", "Product", f"urn:p:{i}") for i in range(4)]
    async with unit_of_work(empty_hub.sessions) as session:
        await session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id).values(action="x"))
    async with empty_hub.sessions() as session:
        check = await audit.verify_chain(session)
        stored = list(await session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    assert stored == [e.id for e in events]
    assert not check.ok
    assert (check.events, check.first_broken_id) == (3, events[2].id)
    assert check.reason == "its content does not match its hash (edited after writing)"


async def test_an_empty_trail_is_intact(empty_hub: Hub) -> None:
    async with empty_hub.sessions() as session:
        check = await audit.verify_chain(session)
    assert check.ok and check.events == 0


async def test_a_broken_link_is_reported_with_how_far_the_check_got(empty_hub: Hub) -> None:
    async with unit_of_work(empty_hub.sessions) as session:
        events = [await audit.record(session, "urn:actor:a", "create", "Product", f"urn:p:{i}") for i in range(4)]
    async with unit_of_work(empty_hub.sessions) as session:
        await session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(prev_hash="0" * 63 + "1"))
    async with empty_hub.sessions() as session:
        check = await audit.verify_chain(session)
    assert (check.ok, check.events, check.first_broken_id) == (False, 2, events[1].id)
    assert check.reason == "its link does not name the previous event's hash"

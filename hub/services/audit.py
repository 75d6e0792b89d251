"""The audit trail: who did what to which record, when; every event's hash covers the one before it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import clock_of
from hub.db.models import AuditEvent

GENESIS = "0" * 64


def event_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    record_type: str,
    record_iri: str | None,
    detail: dict[str, Any],
) -> str:
    body = json.dumps(
        [prev_hash, at.astimezone(UTC).isoformat(), actor, action, record_type, record_iri, detail],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    record_type: str,
    record_iri: str | None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction, at the time of the hub's clock."""
    await _wait_for_the_chain(session)
    prev = await session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    at = clock_of(session).now().replace(microsecond=0)
    detail = detail or {}
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        record_type=record_type,
        record_iri=record_iri,
        detail=detail,
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, at, actor, action, record_type, record_iri, detail),
    )
    session.add(event)
    await session.flush()
    return event


# Any fixed number: the key of the PostgreSQL advisory lock that orders appends to the chain.
_CHAIN_LOCK = 0x6366687562  # "cfhub"


async def _wait_for_the_chain(session: AsyncSession) -> None:
    """The chain has one head, so appends take turns: on PostgreSQL a transaction-scoped advisory lock, held
    until the appending transaction ends, so the next one reads the head it left (otherwise two transactions
    read the same head and the second fails on the unique prev_hash). SQLite lets one writer in at a time: an
    append that follows the transaction's first write (as every service's does) reads the newest head."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


async def verify_chain(session: AsyncSession) -> ChainCheck:
    """Recompute every hash in order; name the first event whose link or content does not match."""
    prev_hash, count = GENESIS, 0
    for event in await session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
        if event.prev_hash != prev_hash:
            return ChainCheck(count, event.id, "its link does not name the previous event's hash")
        expected = event_hash(
            prev_hash, at, event.actor, event.action, event.record_type, event.record_iri, event.detail
        )
        if event.hash != expected:
            return ChainCheck(count, event.id, "its content does not match its hash (edited after writing)")
        prev_hash = event.hash
    return ChainCheck(count, None, None)

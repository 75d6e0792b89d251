"""Adding a new record: stamp its provenance, write it, and record the creation in the audit trail."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Identified, Provenance
from hub.services import audit
from hub.services.origin import Origin

R = TypeVar("R", bound=Identified)


async def add_new(session: AsyncSession, record: R, origin: Origin, detail: dict[str, Any] | None = None) -> R:
    assert isinstance(record, Provenance)
    origin.stamp(record)
    session.add(record)
    await session.flush()
    await audit.record(session, origin.actor, "create", type(record).__name__, record.iri, detail)
    return record

"""A submitted or recomputed footprint is checked after its transaction commits, in a unit of work of its own
(`hub.services.uow.after_commit`): checking inside the transition held SQLite's write lock for the length of the
check, and twenty concurrent submissions then failed with "database is locked". The check's own transaction
reads first and writes one row at its end, so it holds the write lock only for that row."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.domain.codes import SourceKind
from hub.services.origin import Origin
from hub.services.uow import after_commit, unit_of_work


def check_after_commit(session: AsyncSession, footprint_id: int, origin: Origin, base_iri: str) -> None:
    """Once the transaction of `session` commits, check the footprint's data quality, as of the hub's today, by
    the system on behalf of `origin.actor`; nothing if that transaction rolls back."""
    system = Origin(f"{base_iri}system", SourceKind.SYSTEM, f"after {origin.actor}", clock=origin.clock)

    async def check(sessions: async_sessionmaker[AsyncSession]) -> None:
        # imported here: the services this module is imported by are imported by these
        from hub.quality.service import check_footprints
        from hub.services.published import effective_registry

        async with unit_of_work(sessions) as own:
            registry = await effective_registry(own)  # the shipped rule sets and any version published since
            await check_footprints(own, registry, [footprint_id], system.clock.today(), system, base_iri)

    after_commit(session, check)

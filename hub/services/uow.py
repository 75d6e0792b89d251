"""One unit of work: a session in one transaction that commits once, or rolls everything back; then the steps the
work asked to run after its commit (`after_commit`), each in its own unit of work."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

AFTER_COMMIT_KEY = "cfhub.after_commit"
# A step after the commit: handed the sessionmaker, it opens its own short unit of work.
AfterCommit = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]
log = logging.getLogger(__name__)


def after_commit(session: AsyncSession, step: AfterCommit) -> None:
    """Run `step` once the unit of work of `session` has committed, never inside it (so its reads and its own
    write do not hold the write lock of the transaction that asked for it); dropped if that transaction rolls back.
    """
    session.info.setdefault(AFTER_COMMIT_KEY, []).append(step)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Yield a session whose work commits when the block ends and rolls back if it raises; after the commit, run
    the steps it asked for (`after_commit`)."""
    async with sessions() as session:
        async with session.begin():
            yield session
        steps: list[AfterCommit] = session.info.pop(AFTER_COMMIT_KEY, [])
    await run_after_commit(sessions, steps)


async def run_after_commit(sessions: async_sessionmaker[AsyncSession], steps: list[AfterCommit]) -> None:
    """Each step in turn. The work they follow has committed and its caller is owed its answer, so a failing step
    is logged, not raised: what it would have written is derived data that the next step of the same kind (or a
    command such as `cfhub quality check`) writes again."""
    for step in steps:
        try:
            await step(sessions)
        except Exception:
            log.exception("a step after a commit failed; the committed work stands")

"""One unit of work: a session in one transaction that commits once, or rolls everything back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Yield a session whose work commits when the block ends and rolls back if it raises."""
    async with sessions() as session, session.begin():
        yield session

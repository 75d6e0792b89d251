"""The one place that wires the hub: settings -> engine -> sessions. Everything else is handed these."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.config import Settings
from hub.db.engine import make_async_engine, make_sessionmaker


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    async def close(self) -> None:
        await self.engine.dispose()


def open_hub(settings: Settings | None = None) -> Hub:
    settings = settings or Settings.from_env()
    engine = make_async_engine(settings.database_url)
    return Hub(settings=settings, engine=engine, sessions=make_sessionmaker(engine))

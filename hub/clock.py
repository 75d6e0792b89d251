"""The hub's one clock: what services mean by "now" and "today".

Services take the time from the hub's `Clock` (`Hub.clock`, wired in hub/bootstrap.py), never from
`datetime.now()` or `date.today()`, so a test can fix the day a footprint is decided, a label issued or an
audit event written, and a hub in one time zone agrees with itself about the date.

Services that receive only a session reach their hub's clock through it (`clock_of`): the hub's
sessionmaker puts the clock in every session's `info`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

CLOCK_KEY = "cfhub.clock"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...

    def today(self) -> date:
        """The current date in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


@dataclass
class FixedClock:
    """A clock that says what it is told (tests, replays); `advance` moves it on."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime (e.g. datetime(2026, 1, 1, tzinfo=UTC))")
        self.at = self.at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()

    def advance(self, by: timedelta) -> None:
        self.at += by


SYSTEM_CLOCK: Clock = SystemClock()


def clock_of(session: AsyncSession) -> Clock:
    """The clock of the hub whose sessionmaker made `session`; the system clock for a session made elsewhere."""
    clock: Clock = session.info.get(CLOCK_KEY, SYSTEM_CLOCK)
    return clock

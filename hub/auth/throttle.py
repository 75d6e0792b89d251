"""Failed client authentications, counted per client id and per address in moving windows kept in the database.

Only failures count, so a client that knows its secret is never slowed by its own successes; once either
window is full, every attempt for that id or from that address is refused before any secret is hashed
(a correct secret included) until the oldest failure leaves the window. An attempt holds a place in both
windows while its secret is checked (a `pending` row), so a burst of concurrent attempts gets no more guesses
than a sequence; the place is freed when the secret matches and becomes a failure when it does not. A worker
that dies mid-check leaves its place taken until it leaves the window: the throttle fails closed.

The windows live in the hub's database (`auth_failure`), not in a process, so every worker serving one hub
(`cfhub serve --workers N`) counts the same failures, and two hubs with their own databases never do.
Checking and holding happen in one transaction that first takes the window's lock: a PostgreSQL
transaction-scoped advisory lock per (kind, key), and on SQLite the database's single write lock, taken by the
transaction's first statement (a write). Keys are stored as digests. The window notation and its length come
from `limits` ("10/minute"), the library the settings name them in.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from limits import RateLimitItem, parse
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.clock import clock_of
from hub.db.models import AuthFailure


@dataclass(frozen=True)
class Throttled:
    """A refused attempt: seconds until the next one may be tried (the Retry-After header)."""

    retry_after: int


@dataclass(frozen=True)
class Window:
    """One moving window: what it counts (a client id or an address), its limit and its length."""

    kind: str
    key: str
    limit: RateLimitItem

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.kind}\x00{self.key}".encode()).hexdigest()

    @property
    def length(self) -> timedelta:
        return timedelta(seconds=self.limit.get_expiry())

    @property
    def lock_key(self) -> int:
        """A signed 64-bit key for PostgreSQL's advisory locks."""
        return int.from_bytes(bytes.fromhex(self.digest)[:8], "big", signed=True)


@dataclass
class Attempt:
    """One authentication attempt: refused up front (`throttled`), or holding its place until it ends."""

    throttled: Throttled | None
    ids: list[int] = field(default_factory=list)
    failure: bool = False

    def failed(self) -> None:
        """The secret did not match: the held places become failures."""
        self.failure = True


class FailureThrottle:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], per_client: str, per_address: str) -> None:
        self.sessions = sessions
        self.per_client: RateLimitItem = parse(per_client)
        self.per_address: RateLimitItem = parse(per_address)

    def _windows(self, client_id: str, address: str) -> list[Window]:
        return [Window("client", client_id, self.per_client), Window("address", address, self.per_address)]

    async def check(self, client_id: str, address: str) -> Throttled | None:
        """None while both windows have room for another attempt; else how long to wait. Holds nothing."""
        async with self.sessions() as session:
            return await _refusal(session, self._windows(client_id, address))

    @asynccontextmanager
    async def attempt(self, client_id: str, address: str) -> AsyncIterator[Attempt]:
        """Check and, if there is room, hold a place in both windows while the attempt runs."""
        attempt = await self._hold(self._windows(client_id, address))
        try:
            yield attempt
        finally:
            if attempt.ids:
                await self._settle(attempt)

    async def failed(self, client_id: str, address: str) -> None:
        """Count one failure in both windows (an attempt that held no place: tools and tests)."""
        async with self.sessions() as session, session.begin():
            now = clock_of(session).now()
            session.add_all(
                AuthFailure(kind=w.kind, key_digest=w.digest, at=now, pending=False)
                for w in self._windows(client_id, address)
            )

    async def _hold(self, windows: list[Window]) -> Attempt:
        async with self.sessions() as session, session.begin():
            await _lock(session, windows)
            refused = await _refusal(session, windows)
            if refused is not None:
                return Attempt(refused)
            now = clock_of(session).now()
            rows = [AuthFailure(kind=w.kind, key_digest=w.digest, at=now, pending=True) for w in windows]
            session.add_all(rows)
            await session.flush()
            return Attempt(None, [row.id for row in rows])

    async def _settle(self, attempt: Attempt) -> None:
        async with self.sessions() as session, session.begin():
            held = AuthFailure.id.in_(attempt.ids)
            if attempt.failure:
                now = clock_of(session).now()
                await session.execute(update(AuthFailure).where(held).values(pending=False, at=now))
            else:
                await session.execute(delete(AuthFailure).where(held))


async def _lock(session: AsyncSession, windows: list[Window]) -> None:
    """Serialise check-and-hold per window; also drops the windows' expired rows (on SQLite that first write
    takes the database's write lock, which is the serialisation there)."""
    now = clock_of(session).now()
    if session.get_bind().dialect.name == "postgresql":
        for key in sorted(w.lock_key for w in windows):  # one order for every caller: no deadlock
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    expired = [
        (AuthFailure.kind == w.kind) & (AuthFailure.key_digest == w.digest) & (AuthFailure.at <= now - w.length)
        for w in windows
    ]
    await session.execute(delete(AuthFailure).where(or_(*expired)))


async def _refusal(session: AsyncSession, windows: list[Window]) -> Throttled | None:
    now = clock_of(session).now()
    waits = [wait for w in windows if (wait := await _wait(session, w, now)) is not None]
    return Throttled(max(1, math.ceil(max(waits)))) if waits else None


async def _wait(session: AsyncSession, window: Window, now: datetime) -> float | None:
    """Seconds until `window` has room, or None if it has room now. Places held by attempts still running
    end in moments: a window full of those says "one second"."""
    since = now - window.length
    stmt = select(func.count(), func.min(AuthFailure.at), func.count().filter(AuthFailure.pending)).where(
        AuthFailure.kind == window.kind, AuthFailure.key_digest == window.digest, AuthFailure.at > since
    )
    count, oldest, pending = (await session.execute(stmt)).one()
    if count < window.limit.amount:
        return None
    if pending:
        return 1.0
    return (oldest + window.length - now).total_seconds()

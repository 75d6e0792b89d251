"""Failed client authentications, counted per client id and per address in a moving window (`limits`).

Only failures count, so a client that knows its secret is never slowed by its own successes; once either
count is full, every attempt for that id or from that address is refused before any secret is hashed
(a correct secret included) until the oldest failure leaves the window. Attempts still being checked
count as failures until they end, so a burst of concurrent attempts gets no more guesses than a sequence.
Unknown client ids are counted like known ones, so the refusal says nothing about which ids exist. The
counts live in memory on the hub's own throttle (one per `Hub`), not in the process: two hubs in one
process never share them.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Throttled:
    """A refused attempt: seconds until the next one may be tried (the Retry-After header)."""

    retry_after: int


class FailureThrottle:
    def __init__(self, per_client: str, per_address: str) -> None:
        self.per_client: RateLimitItem = parse(per_client)
        self.per_address: RateLimitItem = parse(per_address)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._in_flight: Counter[tuple[str, str]] = Counter()

    def _windows(self, client_id: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(self.per_client, "client", client_id), (self.per_address, "address", address)]

    def check(self, client_id: str, address: str) -> Throttled | None:
        """None while both windows have room for another failure (counting attempts in flight as failures);
        else how long to wait."""
        waits = []
        for limit, kind, key in self._windows(client_id, address):
            stats = self._limiter.get_window_stats(limit, kind, key)
            if stats.remaining <= 0:  # full of failures: until the oldest leaves the window
                waits.append(stats.reset_time - time.time())
            elif stats.remaining <= self._in_flight[kind, key]:  # held by attempts that end in moments
                waits.append(1)
        return Throttled(max(1, math.ceil(max(waits)))) if waits else None

    @contextmanager
    def attempt(self, client_id: str, address: str) -> Iterator[Throttled | None]:
        """Check and, if allowed, hold a place in both windows while the attempt runs. Check and hold happen
        with no await between them, so on the event loop no other attempt slips in."""
        throttled = self.check(client_id, address)
        if throttled is not None:
            yield throttled
            return
        held = [(kind, key) for _limit, kind, key in self._windows(client_id, address)]
        self._in_flight.update(held)
        try:
            yield None
        finally:
            self._in_flight.subtract(held)
            self._in_flight -= Counter()  # drop the zeros: the counter never grows with ids seen once

    def failed(self, client_id: str, address: str) -> None:
        for limit, kind, key in self._windows(client_id, address):
            self._limiter.hit(limit, kind, key)

"""Failed client authentications, counted per client id and per address in a moving window (`limits`).

Only failures count, so a client that knows its secret is never slowed by its own successes; once either
count is full, every attempt for that id or from that address is refused before any secret is hashed
(a correct secret included) until the oldest failure leaves the window. Unknown client ids are counted
like known ones, so the refusal says nothing about which ids exist. The counts live in memory on the
hub's own throttle (one per `Hub`), not in the process: two hubs in one process never share them.
"""

from __future__ import annotations

import math
import time
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

    def _windows(self, client_id: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(self.per_client, "client", client_id), (self.per_address, "address", address)]

    def check(self, client_id: str, address: str) -> Throttled | None:
        """None while both windows have room for another failure; else how long to wait."""
        waits = [
            self._limiter.get_window_stats(limit, kind, key).reset_time - time.time()
            for limit, kind, key in self._windows(client_id, address)
            if not self._limiter.test(limit, kind, key)
        ]
        return Throttled(max(1, math.ceil(max(waits)))) if waits else None

    def failed(self, client_id: str, address: str) -> None:
        for limit, kind, key in self._windows(client_id, address):
            self._limiter.hit(limit, kind, key)

"""Client secrets are stored as scrypt hashes; checking one costs the same whether or not the client exists.

scrypt is slow and memory-hard on purpose (n=2**14, r=8: about 16 MiB and tens of milliseconds per check),
so it runs on a small thread pool of its own, never on the event loop: `/health` and every other caller
keep being served while secrets are checked, and the pool's size bounds the memory hashing can take.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

_N, _R, _P = 2**14, 8, 1

# Hashed against when a client id is unknown: well formed, so the work is a real scrypt; the answer is "no"
# whatever it computes.
DUMMY_HASH = f"scrypt${'00' * 16}${'00' * 32}"

# (secret, stored hash) -> whether the secret matches; injectable so tests can count and hold the work.
SecretCheck = Callable[[str, str], bool]


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    scheme, salt, _digest = stored.split("$")
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_secret(secret, bytes.fromhex(salt)), stored)


class SecretChecker:
    """Checks secrets off the event loop; against a dummy hash when the client is unknown, so a wrong id
    costs exactly the work of a wrong secret (no timing oracle for which client ids exist)."""

    def __init__(self, check: SecretCheck = secret_matches, workers: int = 4) -> None:
        self.check = check
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cfhub-secret-hash")

    async def matches(self, secret: str, stored: str | None) -> bool:
        """Whether `secret` matches `stored`; None (no such client) hashes against the dummy and says no."""
        loop = asyncio.get_running_loop()
        if stored is None:
            await loop.run_in_executor(self._pool, self.check, secret, DUMMY_HASH)
            return False
        return await loop.run_in_executor(self._pool, self.check, secret, stored)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

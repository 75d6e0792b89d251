"""Issue 9 item 8: `/oauth/token` is throttled, tells nothing about which client ids exist, and hashes
secrets off the event loop.

Work is counted, never timed: the secret check is injected on the hub's authenticator (wrapping the real
scrypt check, or holding it on a threading.Event) so the tests see how many hashes ran and what the server
answers while they are in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import httpx
import pytest

from hub.auth.hashing import secret_matches
from tests.security.auth_live import AuthLive, auth_live


@pytest.fixture
def live(demo_db_url: str, tmp_path: Path) -> Iterator[AuthLive]:
    with auth_live(demo_db_url, tmp_path / "keys") as served:
        yield served


def _assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "error": "temporarily_unavailable",
        "error_description": f"too many failed attempts; retry after {response.headers['retry-after']} seconds",
    }


def test_ten_wrong_secrets_lock_the_client_id_even_for_the_right_secret(live: AuthLive) -> None:
    client_id, secret = live.create_client("yrd-platform")
    for _ in range(10):  # the default: 10 failures per minute per client id
        assert live.request_token(client_id, "wrong").status_code == 401
    _assert_throttled(live.request_token(client_id, secret))
    other_id, other_secret = live.create_client("intl-body")
    assert live.request_token(other_id, other_secret).status_code == 200  # other ids are not locked


def test_an_unknown_client_id_is_throttled_exactly_like_a_known_one(live: AuthLive) -> None:
    answers = [live.request_token("made-up-client", "wrong") for _ in range(11)]
    assert [a.status_code for a in answers] == [401] * 10 + [429]
    assert {a.json()["error_description"] for a in answers[:10]} == {"unknown client or wrong secret"}
    _assert_throttled(answers[10])


def test_failures_from_one_address_are_capped_across_client_ids(demo_db_url: str, tmp_path: Path) -> None:
    with auth_live(demo_db_url, tmp_path / "keys", oauth_failures_per_address="5/minute") as live:
        client_id, secret = live.create_client("yrd-platform")
        for n in range(5):
            assert live.request_token(f"guess-{n}", "wrong").status_code == 401
        _assert_throttled(live.request_token(client_id, secret))


def test_known_unknown_and_revoked_ids_cost_one_hash_each(live: AuthLive) -> None:
    calls: list[str] = []

    def counting(secret: str, stored: str) -> bool:
        calls.append(stored.split("$")[0])
        return secret_matches(secret, stored)

    live.hub.clients.checker.check = counting
    client_id, secret = live.create_client("yrd-platform")
    revoked_id, revoked_secret = live.create_client("intl-body")
    assert live.cli("client", "revoke", revoked_id).exit_code == 0
    for cid, attempt in [(client_id, "wrong"), ("made-up-client", "wrong"), (revoked_id, revoked_secret)]:
        before = len(calls)
        response = live.request_token(cid, attempt)
        assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
        assert calls[before:] == ["scrypt"], cid  # one real scrypt check, whether or not the id exists
    assert live.request_token(client_id, secret).status_code == 200
    assert len(calls) == 4


def test_health_is_answered_while_secret_hashes_are_in_flight(live: AuthLive) -> None:
    in_flight = threading.Semaphore(0)
    release = threading.Event()

    def held(secret: str, stored: str) -> bool:
        in_flight.release()
        release.wait(30)
        return False

    live.hub.clients.checker.check = held
    workers = live.hub.settings.oauth_hash_workers
    try:
        with ThreadPoolExecutor(workers) as pool:
            attempts = [pool.submit(live.request_token, f"client-{n}", "wrong") for n in range(workers)]
            for _ in range(workers):
                assert in_flight.acquire(timeout=15), "every attempt reaches the hash"
            health = live.http.get("/health", timeout=15)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert not any(a.done() for a in attempts), "the hashes were still held when /health answered"
            release.set()
            assert [a.result().status_code for a in attempts] == [401] * workers
    finally:
        release.set()


def test_twenty_concurrent_wrong_secrets_get_ten_guesses_not_twenty(live: AuthLive) -> None:
    """Attempts in flight count against the window: a burst gets no more guesses than a sequence."""
    client_id, _secret = live.create_client("yrd-platform")
    hashed = threading.Semaphore(0)
    release = threading.Event()
    calls: list[str] = []

    def held(secret: str, stored: str) -> bool:
        calls.append(secret)
        hashed.release()
        release.wait(30)
        return False

    live.hub.clients.checker.check = held
    try:
        with ThreadPoolExecutor(20) as pool:
            attempts = [pool.submit(live.request_token, client_id, f"guess-{n}") for n in range(20)]
            for _ in range(live.hub.settings.oauth_hash_workers):
                assert hashed.acquire(timeout=15)
            answered = _answered(attempts, 10)
            assert [a.result().status_code for a in answered] == [429] * 10  # refused while ten are held
            release.set()
            codes = sorted(a.result().status_code for a in attempts)
    finally:
        release.set()
    assert codes == [401] * 10 + [429] * 10
    assert len(calls) == 10


def _answered(attempts: list[Future[httpx.Response]], count: int) -> list[Future[httpx.Response]]:
    """Wait (15 s at most per step, a safety net, not a measure) until `count` attempts are answered."""
    done: set[Future[httpx.Response]] = set()
    while len(done) < count:
        finished, _pending = wait(set(attempts) - done, timeout=15, return_when=FIRST_COMPLETED)
        assert finished, f"only {len(done)} attempts were answered while the hashes were held"
        done |= finished
    return [a for a in attempts if a in done]

"""The failure throttle of /oauth/token: counts per client id and per address, on each hub of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.auth.throttle import FailureThrottle, Throttled
from hub.bootstrap import open_hub
from hub.config import Settings


def test_only_failures_fill_the_window_and_each_key_has_its_own() -> None:
    throttle = FailureThrottle("2/minute", "3/minute")
    throttle.failed("a", "10.0.0.1")
    assert throttle.check("a", "10.0.0.1") is None
    throttle.failed("a", "10.0.0.1")
    refused = throttle.check("a", "10.0.0.1")
    assert isinstance(refused, Throttled) and 1 <= refused.retry_after <= 60
    assert throttle.check("b", "10.0.0.2") is None  # another id from another address
    throttle.failed("b", "10.0.0.1")
    assert isinstance(throttle.check("c", "10.0.0.1"), Throttled)  # the address is full (3)
    assert throttle.check("c", "10.0.0.2") is None


def test_two_hubs_in_one_process_keep_their_own_counts(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_dir=tmp_path / "keys")
    first, second = open_hub(settings), open_hub(settings)
    try:
        for _ in range(10):
            first.clients.throttle.failed("yrd-platform-1", "10.0.0.1")
        assert isinstance(first.clients.throttle.check("yrd-platform-1", "10.0.0.1"), Throttled)
        assert second.clients.throttle.check("yrd-platform-1", "10.0.0.1") is None
    finally:
        first.clients.close()
        second.clients.close()


def test_limits_come_from_settings_and_bad_ones_stop_the_start(tmp_path: Path) -> None:
    env = {"CFHUB_OAUTH_FAILURES_PER_CLIENT": "3/hour", "CFHUB_OAUTH_FAILURES_PER_ADDRESS": "7/second"}
    settings = Settings.from_env(env)
    assert (settings.oauth_failures_per_client, settings.oauth_failures_per_address) == ("3/hour", "7/second")
    assert (Settings().oauth_failures_per_client, Settings().oauth_failures_per_address) == ("10/minute", "30/minute")
    with pytest.raises(ValueError):
        open_hub(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", oauth_failures_per_client="often"))


def test_attempts_in_flight_hold_their_place_until_they_end() -> None:
    throttle = FailureThrottle("2/minute", "30/minute")
    with (
        throttle.attempt("a", "10.0.0.1") as first,
        throttle.attempt("a", "10.0.0.1") as second,
        throttle.attempt("a", "10.0.0.1") as third,
    ):
        assert (first, second, third) == (None, None, Throttled(1))  # two in flight fill "2/minute"
    with throttle.attempt("a", "10.0.0.1") as again:
        assert again is None  # they ended without failing: their places are free again

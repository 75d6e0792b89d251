"""The failure throttle of /oauth/token: counts per client id and per address in the hub's database, shared by
its workers, never by two hubs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.auth.throttle import FailureThrottle, Throttled
from hub.bootstrap import Hub, open_hub
from hub.clock import FixedClock
from hub.config import Settings
from hub.db.models import AuthFailure
from tests import databases
from tests.conftest import settings_for


@pytest.fixture
async def hubs(templates: databases.Templates) -> AsyncIterator[tuple[Hub, Hub, Hub]]:
    """Two hubs on one database (two workers of one hub) and a third on a database of its own."""
    shared, other = templates.fresh("migrated", databases.migrated), templates.fresh("migrated", databases.migrated)
    opened = [open_hub(settings_for(shared)), open_hub(settings_for(shared)), open_hub(settings_for(other))]
    yield opened[0], opened[1], opened[2]
    for hub in opened:
        await hub.close()


async def test_only_failures_fill_the_window_and_each_key_has_its_own(hubs: tuple[Hub, Hub, Hub]) -> None:
    throttle = FailureThrottle(hubs[0].sessions, "2/minute", "3/minute")
    await throttle.failed("a", "10.0.0.1")
    assert await throttle.check("a", "10.0.0.1") is None
    await throttle.failed("a", "10.0.0.1")
    refused = await throttle.check("a", "10.0.0.1")
    assert isinstance(refused, Throttled) and 1 <= refused.retry_after <= 60
    assert await throttle.check("b", "10.0.0.2") is None  # another id from another address
    await throttle.failed("b", "10.0.0.1")
    assert isinstance(await throttle.check("c", "10.0.0.1"), Throttled)  # the address is full (3)
    assert await throttle.check("c", "10.0.0.2") is None


async def test_workers_of_one_hub_share_counts_and_other_hubs_keep_their_own(hubs: tuple[Hub, Hub, Hub]) -> None:
    first, second, elsewhere = hubs
    for _ in range(10):
        await first.clients.throttle.failed("yrd-platform-1", "10.0.0.1")
    assert isinstance(await second.clients.throttle.check("yrd-platform-1", "10.0.0.1"), Throttled)
    assert await elsewhere.clients.throttle.check("yrd-platform-1", "10.0.0.1") is None


async def test_failures_leave_the_window_on_the_hub_clock(empty_db_url: str) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    hub = open_hub(settings_for(empty_db_url), clock=clock)
    throttle = FailureThrottle(hub.sessions, "2/minute", "30/minute")
    await throttle.failed("a", "10.0.0.1")
    clock.advance(timedelta(seconds=30))
    await throttle.failed("a", "10.0.0.1")
    assert (await throttle.check("a", "10.0.0.1")) == Throttled(30)  # the first leaves in 30 s
    clock.advance(timedelta(seconds=31))
    assert await throttle.check("a", "10.0.0.1") is None
    await hub.close()


async def test_the_key_is_stored_as_a_digest(hubs: tuple[Hub, Hub, Hub]) -> None:
    await hubs[0].clients.throttle.failed("secret-looking-client-id", "10.0.0.9")
    async with hubs[0].sessions() as session:
        digests = list(await session.scalars(select(AuthFailure.key_digest)))
    assert len(digests) == 2 and all(len(d) == 64 and "secret" not in d for d in digests)


def test_limits_come_from_settings_and_bad_ones_stop_the_start(tmp_path: Path) -> None:
    env = {"CFHUB_OAUTH_FAILURES_PER_CLIENT": "3/hour", "CFHUB_OAUTH_FAILURES_PER_ADDRESS": "7/second"}
    settings = Settings.from_env(env)
    assert (settings.oauth_failures_per_client, settings.oauth_failures_per_address) == ("3/hour", "7/second")
    assert (Settings().oauth_failures_per_client, Settings().oauth_failures_per_address) == ("10/minute", "30/minute")
    with pytest.raises(ValueError):
        open_hub(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", oauth_failures_per_client="often"))


async def test_attempts_in_flight_hold_their_place_until_they_end(hubs: tuple[Hub, Hub, Hub]) -> None:
    throttle = FailureThrottle(hubs[0].sessions, "2/minute", "30/minute")
    async with (
        throttle.attempt("a", "10.0.0.1") as first,
        throttle.attempt("a", "10.0.0.1") as second,
        throttle.attempt("a", "10.0.0.1") as third,
    ):
        assert (first.throttled, second.throttled, third.throttled) == (None, None, Throttled(1))
    async with throttle.attempt("a", "10.0.0.1") as again:
        assert again.throttled is None  # they ended without failing: their places are free again
        again.failed()
    async with throttle.attempt("a", "10.0.0.1") as one_more:
        one_more.failed()
    assert isinstance(await throttle.check("a", "10.0.0.1"), Throttled)  # two failures fill "2/minute"

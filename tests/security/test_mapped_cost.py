"""Issue 9 item 6: `mapped` is priced by what it does, batched per page, and mapped off the event loop.

Found over HTTP: as `intl-body`, 100 footprints x 15 aliased `mapped(to: ...)` was estimated at 3,201 (under
the limit of 10,000), took 27-31 s, and `/health` sent meanwhile took 26 s. Now `mapped` costs what a mapping
costs in plain fields (hub/api/protection.py FIELD_COSTS, measured), so that query is refused before it runs;
the `mapped` fields of a page read their documents in one batch (the statement count does not grow with the
page); and the mapping runs in a worker thread, so `/health` is answered while a mapping is under way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from hub.auth.principal import Role
from hub.mapping.catalog import Mapper
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.security import reads_live
from tests.security.reads_live import data

live_hub = reads_live.live_hub  # the module's live hub

TARGETS = ["PACT", "YRD", "GBA", "BATTERY_PASSPORT", "CATENAX_PCF"]


def _mapped_query(first: int, aliases: int) -> str:
    fields = " ".join(f"m{i}: mapped(to: {TARGETS[i % len(TARGETS)]}) {{ ok record }}" for i in range(aliases))
    return f"{{ footprints(first: {first}) {{ edges {{ node {{ id {fields} }} }} }} }}"


@pytest.fixture
def statements(live_hub: Live) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = live_hub.hub.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_the_issue_query_is_refused_before_it_runs(live_hub: Live, statements: list[str]) -> None:
    body = gql(live_hub.client, _mapped_query(100, 15), token(live_hub.hub, Role.INTERNATIONAL_BODY)).json()
    assert "data" not in body or body["data"] is None
    assert "estimated cost" in body["errors"][0]["message"]
    assert statements == []  # refused before execution: nothing was read, nothing mapped


def test_a_page_of_mapped_footprints_reads_its_documents_in_one_batch(live_hub: Live, statements: list[str]) -> None:
    bearer = token(live_hub.hub, Role.INTERNATIONAL_BODY)
    small = data(live_hub, _mapped_query(2, 5), bearer)
    few = len(statements)
    statements.clear()
    large = data(live_hub, _mapped_query(8, 5), bearer)
    assert len(large["footprints"]["edges"]) == 8 and len(small["footprints"]["edges"]) == 2
    # every footprint mapped: a record, or (a failed mapping hands out none) ok false
    mapped = [e["node"][f"m{i}"] for e in large["footprints"]["edges"] for i in range(5)]
    assert all(m["record"] or m["ok"] is False for m in mapped) and any(m["record"] for m in mapped)
    assert len(statements) == few  # 4 statements per footprint and target before: 2 x 5 x 4 = 40 vs 160


def test_health_is_answered_while_a_page_is_being_mapped(live_hub: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first mapping of the page waits until /health has been answered: on the event loop it could not
    (the loop would wait for the mapping, the mapping for /health), so the order proves it runs elsewhere."""
    mapping_started, health_answered = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}
    original = Mapper.map

    def observed(self: Mapper, document: Any) -> Any:
        if not mapping_started.is_set():
            seen["thread"] = threading.current_thread().name
            mapping_started.set()
            seen["health_first"] = health_answered.wait(timeout=20)
        return original(self, document)

    monkeypatch.setattr(Mapper, "map", observed)
    bearer = token(live_hub.hub, Role.INTERNATIONAL_BODY)
    with ThreadPoolExecutor(1) as pool:
        mapped = pool.submit(gql, live_hub.client, _mapped_query(5, 5), bearer)
        assert mapping_started.wait(timeout=30)
        with httpx.Client(base_url=live_hub.server.url, timeout=10) as other:
            health = other.get("/health")
        health_answered.set()
        body = mapped.result(timeout=60).json()
    assert health.status_code == 200
    assert seen["health_first"] is True
    assert seen["thread"] != live_hub.server.thread.name  # not the thread running the server's event loop
    assert not body.get("errors") and len(body["data"]["footprints"]["edges"]) == 5

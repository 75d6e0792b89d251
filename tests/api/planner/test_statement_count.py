"""The page is answered with one statement for the footprints and their to-one relations, and one per
to-many relation requested: (1 + 2) for labels and decisions, on one connection, whatever the page size; plus
its exact totalCount, counted once per data version (hub/queries/counting.py): the first request reads the data
version and counts (2 statements), a repeat only reads the version (1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from hub.auth.principal import Role
from tests.api.planner.conftest import Pair, normalized

PAGE = """query($n: Int) { footprints(first: $n) { totalCount edges { node { id status totalKgco2e declaredUnit
  product { name category { code parent { code } } owner { nameEn } }
  verifier { nameEn } labels { grade serial } decisions { kind jurisdiction grade score passed } } } } }"""


@contextmanager
def _statements(pair: Pair) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = pair.hub.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.ENTERPRISE], ids=lambda r: r.value)
@pytest.mark.parametrize("n", [5, 100])
def test_the_page_takes_one_statement_plus_one_per_to_many_relation(pair: Pair, role: Role, n: int) -> None:
    pair.hub.counts.clear()
    with _statements(pair) as seen:
        body = pair.post("/planned", role, PAGE, {"n": n})
    assert len(seen) <= 1 + 2 + 2, seen
    with _statements(pair) as again:
        assert pair.post("/planned", role, PAGE, {"n": n}) == body
    assert len(again) <= 1 + 2 + 1, again
    assert not any("count(" in statement.lower() for statement in again), again
    assert len(body["data"]["footprints"]["edges"]) == min(n, body["data"]["footprints"]["totalCount"])
    assert normalized(body) == normalized(pair.post("/reference", role, PAGE, {"n": n}))

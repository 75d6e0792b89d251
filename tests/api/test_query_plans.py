"""The documented footprint queries read by index: no per-row subplan, no full scan of `footprint` (issue 15).

Each query goes through the running app; every SELECT it sends is captured and explained by the database
that ran it (`EXPLAIN QUERY PLAN` on SQLite, whose plans do not depend on the table's size; `EXPLAIN (FORMAT
JSON)` on PostgreSQL, with sequential scans priced out so that the plan shows whether an index path exists).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event

from hub.auth.principal import Role
from tests.api.fixtures import token

PAGE = "{ footprints(first: 20%s) { totalCount edges { node { id } } } }"
QUERIES = {
    "regulator, grade A + totalCount": (Role.REGULATOR, PAGE % ', filter: {grades: ["A"]}'),
    "enterprise, first page + totalCount": (Role.ENTERPRISE, PAGE % ""),
    "enterprise, grade A + totalCount": (Role.ENTERPRISE, PAGE % ', filter: {grades: ["A"]}'),
    "enterprise, region YRD + totalCount": (Role.ENTERPRISE, PAGE % ', filter: {ownerRegions: ["YRD"]}'),
}

COUNTS_OF_MOST_OF_THE_TABLE = {"enterprise, first page + totalCount", "enterprise, grade A + totalCount"}


async def _statements(client: Any, role: Role, query: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "footprint" in statement:
            seen.append((statement, parameters))

    engine = client.hub.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        headers = {"Authorization": f"Bearer {token(client.hub, role)}"}
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert "errors" not in response.json(), response.json()
    return seen


async def _sqlite_problems(conn: Any, statement: str, parameters: Any) -> list[str]:
    """A full scan of `footprint`, or a subquery correlated with the outer footprint loop (not nested in a
    LIST SUBQUERY, whose loop runs over an index of decisions, labels or products)."""
    rows = list(await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    parent = {row[0]: row[1] for row in rows}
    detail = {row[0]: str(row[-1]) for row in rows}

    def inside_list_subquery(node: int) -> bool:
        while node in parent:
            node = parent[node]
            if detail.get(node, "").startswith("LIST SUBQUERY"):
                return True
        return False

    out = [d for d in detail.values() if d.startswith("SCAN footprint")]
    out += [f"per footprint row: {d}" for n, d in detail.items() if "CORRELATED" in d and not inside_list_subquery(n)]
    return out


def _pg_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", ()) for n in _pg_nodes(child))]


async def _postgres_problems(conn: Any, statement: str, parameters: Any) -> list[str]:
    """A sequential scan of `footprint` although sequential scans are priced out: no index path exists.

    Per-row subplans are checked on SQLite's plan only: PostgreSQL's planner picks per-row index subplans over
    hashed ones by cost, and at the few rows of a test database per-row is what it rightly picks. Its plans
    at a million rows need the scale generator issue 15 asks for, which is not built yet."""
    await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = (await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = _pg_nodes(plan[0]["Plan"])
    out = [
        f"Seq Scan on {n['Relation Name']}"
        for n in nodes
        if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "footprint"
    ]
    return out


@pytest.mark.parametrize("name", list(QUERIES))
async def test_documented_queries_have_no_per_row_subplan_and_no_full_scan(asgi: Any, name: str) -> None:
    role, query = QUERIES[name]
    async with asgi() as client:
        statements = await _statements(client, role, query)
        assert statements, "the query sent no SELECT on footprints"
        problems: list[tuple[str, str]] = []
        dialect = ""
        for statement, parameters in statements:
            async with client.hub.engine.connect() as conn:
                dialect = conn.dialect.name
                check = _sqlite_problems if dialect == "sqlite" else _postgres_problems
                problems += [(p, statement) for p in await check(conn, statement, parameters)]
    counts_only = all(statement.lstrip().startswith("SELECT count(*)") for _, statement in problems)
    if problems and counts_only and dialect == "postgresql" and name in COUNTS_OF_MOST_OF_THE_TABLE:
        pytest.xfail(
            "the exact totalCount of an enterprise's readable footprints (its own or published: most of the table) "
            "reads the whole table on PostgreSQL; the count cache of issue 15 item 4 is not built yet"
        )
    assert not problems, problems

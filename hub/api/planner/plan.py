"""The planner's entry point: a validated query answered from SQL, or None for ordinary execution.

`Planner.answer` plans the `footprints` and `products` connections (filters, cursors, totalCount,
pageInfo, to-one and to-many relations at any depth, fragments, aliases, @include/@skip); anything else
(mutations, introspection, other roots, `node`, `mapped`, decision traces, audited inventory reads, input
the query functions refuse) returns None and the endpoint executes the operation as usual, which is the
reference the planner's answers are tested against (tests/api/planner).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.utils.str_converters import to_snake_case

from hub.api.errors import format_error
from hub.api.pagination import decode_cursor, page_size
from hub.api.planner import build, compile
from hub.api.planner.cache import PlanCache, plan_key
from hub.api.planner.shape import TYPENAME, Field, Unplannable, operation_shape
from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.policy.access import Access, Forbidden
from hub.queries import footprints
from hub.queries.counting import cached_count
from hub.queries.reader import Reader
from hub.validation import InvalidInput

ROOTS = {"footprints": "Footprint", "products": "Product"}


@dataclass(frozen=True)
class RootPlan:
    field: Field
    statement: compile.Statement
    first: int
    after: int | None
    count: Select[Any] | None  # the count statement, when totalCount is asked for and may be answered
    count_refused: Forbidden | None


Plan = list[RootPlan | Field]  # a root connection, or the root's __typename


class Planner:
    def __init__(self, hub: Hub, schema: GraphQLSchema, dev: bool) -> None:
        self.hub = hub
        self.schema = schema
        self.dev = dev
        self.plans: PlanCache[Plan] = PlanCache()
        self.enabled = True  # False: every query is executed as usual (the reference the tests compare with)

    async def answer(
        self,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        principal: Principal,
    ) -> bytes | None:
        """The response body, or None when the planner does not cover the operation."""
        if not self.enabled:
            return None
        hub = self.hub
        reader = Reader(
            hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, None, hub.clock, counts=hub.counts
        )
        access = await reader.access()
        name = operation.name.value if operation.name else None
        try:
            key = plan_key(query, name, variables, access)
        except orjson.JSONEncodeError:  # a value orjson cannot write (an integer beyond 64 bits)
            return None
        plan = self.plans.get(key)
        if plan is None:
            try:
                plan = await self._plan(document, operation, variables, reader, access)
            except (Unplannable, Forbidden, InvalidInput):
                return None
            self.plans.put(key, plan)
        return await self._run(plan, reader)

    async def _plan(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        reader: Reader,
        access: Access,
    ) -> Plan:
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            raise Unplannable("variables that do not coerce")
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        shape = operation_shape(self.schema, fragments, operation, coerced)
        plan: Plan = []
        for f in shape.fields:
            if f.name == TYPENAME:
                plan.append(f)
            elif f.name in ROOTS:
                plan.append(await _root(f, ROOTS[f.name], reader, access))
            else:
                raise Unplannable(f"root field {f.name}")
        return plan

    async def _run(self, plan: Plan, reader: Reader) -> bytes:
        results = build.Results()
        data: dict[str, Any] | None = {}
        async with self.hub.engine.connect() as conn:
            pages = [await _read(conn, root, results, reader) if isinstance(root, RootPlan) else None for root in plan]
        for root, page in zip(plan, pages, strict=True):
            assert data is not None
            if isinstance(root, Field):
                data[root.key] = "Query"
                continue
            assert page is not None
            value = build.connection(page, root.field, (None, root.field.key), results)
            if value is build.NULLED:
                data = None  # the roots are non-null: a null moves to data
                break
            data[root.field.key] = value
        body: dict[str, Any] = {}
        if results.errors:
            body["errors"] = [format_error(e, self.dev) for e in results.errors]
        body["data"] = data
        return orjson.dumps(body)


async def _root(f: Field, kind: str, reader: Reader, access: Access) -> RootPlan:
    first, after = page_size(f.args.get("first")), decode_cursor(f.args.get("after"))
    # the two shapes of one filter (hub/queries/footprints.py): per-row probes for a page in key order, semi-joins
    # for the count
    given = _filter(f.args.get("filter"))
    conditions = await footprints.conditions(reader, given, probe=True) if kind == "Footprint" else []
    counting = await footprints.conditions(reader, given) if kind == "Footprint" else []
    counted = any(sub.name == "totalCount" for sub in f.children)
    edges = [sub for sub in f.children if sub.name == "edges"]
    nodes = [node for edge in edges for node in edge.children if node.name == "node"]
    if len(nodes) > 1:
        raise Unplannable("more than one node selection on a connection")
    selections = nodes[0].children if nodes else []
    may_count = access.may_aggregate(kind)
    statement = compile.page(kind, selections, access, conditions, first, after)
    refused = None if may_count else Forbidden(f"role {access.role} may not aggregate {kind} records")
    count = compile.count(kind, access, counting) if counted and may_count else None
    return RootPlan(f, statement, first, after, count, refused if counted else None)


def _filter(raw: Any) -> footprints.FootprintFilter:
    """The footprint filter argument (GraphQL names) as the query function's filter."""
    if raw is None:
        return footprints.FootprintFilter()
    values = {to_snake_case(k): v for k, v in raw.items()}
    for name in ("category_codes", "owner_regions", "statuses", "grades", "owners"):
        values[name] = tuple(values.get(name) or ())
    return footprints.FootprintFilter(**values)


async def _read(conn: AsyncConnection, root: RootPlan, results: build.Results, reader: Reader) -> build.Page:
    stmt = root.statement
    rows = (await conn.execute(stmt.select)).all()
    has_next = len(rows) > root.first
    rows = rows[: root.first]
    total = None
    if root.count is not None:  # exact, counted once per data version (hub/queries/counting.py)
        total = await cached_count(reader, root.count, reader.counts)
    await _children(conn, stmt.root, rows, results)
    return build.Page(stmt, rows, has_next, root.after, total, root.count_refused)


async def _children(conn: AsyncConnection, occ: compile.Occurrence, rows: list[Any], results: build.Results) -> None:
    """Run the to-many statements under `occ` for the parent keys in `rows`, then theirs, level by level."""
    for child in occ.to_one.values():
        await _children(conn, child, rows, results)
    for stmt in occ.to_many.values():
        keys = list(dict.fromkeys(row[occ.id_pos] for row in rows if row[occ.id_pos] is not None))
        found: dict[Any, list[Any]] = defaultdict(list)
        child_rows: list[Any] = []
        if keys:
            child_rows = list((await conn.execute(stmt.select, {"keys": keys})).all())
            assert stmt.parent_pos is not None
            for row in child_rows:
                found[row[stmt.parent_pos]].append(row)
        results.children[id(stmt)] = found
        await _children(conn, stmt.root, child_rows, results)


__all__ = ["GraphQLError", "Planner"]

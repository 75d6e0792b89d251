"""Rows straight into the response: objects per the tree of fields, per-field FORBIDDEN errors and
null-bubbling as ordinary execution gives them.

A field of a record the row does not let the caller read is an error on that field (the message of
`FieldForbidden`, formatted by `format_error`), null, and, where the field is non-null, the null moves to
the nearest nullable parent, as the GraphQL spec and graphql-core do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLList, GraphQLNonNull

from hub.api.errors import FieldForbidden
from hub.api.pagination import encode_cursor
from hub.api.planner.compile import CONSTANT, IRI, LEAF, ONE, TEXT, Occurrence, Statement
from hub.api.planner.shape import TYPENAME, Field

# A response path as a chain (parent chain, key), made into a list only for an error: most fields have none.
Path = tuple[Any, str | int] | None


def path_list(path: Path) -> list[str | int]:
    out: list[str | int] = []
    while path is not None:
        path, key = path
        out.append(key)
    return out[::-1]


Rows = Sequence[Any]


class _Nulled:
    """A null caused by an error: a non-null field holding it passes it to its parent."""


NULLED = _Nulled()


@dataclass
class Results:
    """Each to-many statement's rows by parent key, and the errors met while building."""

    children: dict[int, dict[Any, list[Any]]] = field(default_factory=dict)  # id(Statement) -> key -> rows
    errors: list[GraphQLError] = field(default_factory=list)

    def error(self, exc: Exception, f: Field, path: Path) -> _Nulled:
        self.errors.append(GraphQLError(str(exc), nodes=f.nodes, path=path_list(path), original_error=exc))
        return NULLED


def _inner_non_null(f: Field) -> bool:
    t = f.type.of_type if isinstance(f.type, GraphQLNonNull) else f.type
    return isinstance(t, GraphQLList) and isinstance(t.of_type, GraphQLNonNull)


def _settle(out: dict[str, Any], f: Field, value: Any) -> bool:
    """Store `value` under the field's key; False when an error-null must move to the parent."""
    if value is NULLED:
        if f.non_null:
            return False
        value = None
    out[f.key] = value
    return True


def record(occ: Occurrence, row: Any, path: Path, results: Results) -> dict[str, Any] | _Nulled:
    """The object of one record for its selections (the hot loop: one pass over precompiled steps)."""
    readable = occ.readable if occ.readable is not None else occ.readable_in(row)
    out: dict[str, Any] = {}
    for what, key, name, pos, extra, f in occ.steps:
        if what in (TEXT, LEAF):
            if name in readable:
                raw = row[pos]
                out[key] = raw if raw is None or (what == TEXT and type(raw) is str) else extra(raw)
                continue
        elif what == IRI:
            out[key] = row[pos]
            continue
        elif what == CONSTANT:
            out[key] = extra
            continue
        value: Any
        if name not in readable:
            value = results.error(FieldForbidden(occ.kind, name), f, (path, key))
        elif what == ONE:
            value = None if row[extra.id_pos] is None else record(extra, row, (path, key), results)
        else:
            found = results.children[id(extra)].get(row[occ.id_pos], ())
            value = records(extra, found, f, (path, key), results)
        if value is NULLED:
            if f.non_null:
                return NULLED
            value = None
        out[key] = value
    return out


def records(stmt: Statement, rows: Rows, f: Field, path: Path, results: Results) -> list[Any] | _Nulled:
    out: list[Any] = []
    strict = _inner_non_null(f)
    for i, row in enumerate(rows):
        item = record(stmt.root, row, (path, i), results)
        if item is NULLED and strict:
            return NULLED
        out.append(None if item is NULLED else item)
    return out


@dataclass(frozen=True)
class Page:
    """One connection's answer as read: its rows (at most `first`), whether more follow, its count."""

    statement: Statement
    rows: Rows
    has_next: bool
    after: int | None
    total: int | None
    count_refused: Exception | None  # the caller may not aggregate the kind


def connection(page: Page, f: Field, path: Path, results: Results) -> dict[str, Any] | _Nulled:
    out: dict[str, Any] = {}
    for sub in f.children:
        value: Any
        if sub.name == TYPENAME:
            value = f.named.name if f.named is not None else None
        elif sub.name == "edges":
            value = _edges(page, sub, (path, sub.key), results)
        elif sub.name == "pageInfo":
            value = _page_info(page, sub)
        elif page.count_refused is not None:  # totalCount
            value = results.error(page.count_refused, sub, (path, sub.key))
        else:
            value = page.total
        if not _settle(out, sub, value):
            return NULLED
    return out


def _edges(page: Page, f: Field, path: Path, results: Results) -> list[Any] | _Nulled:
    out: list[Any] = []
    id_pos = page.statement.root.id_pos
    for i, row in enumerate(page.rows):
        edge: dict[str, Any] = {}
        for sub in f.children:
            value: Any
            if sub.name == TYPENAME:
                value = sub_type_name(f)
            elif sub.name == "cursor":
                value = encode_cursor(row[id_pos])
            else:
                value = record(page.statement.root, row, ((path, i), sub.key), results)
            if not _settle(edge, sub, value):
                return NULLED  # edges are [Edge!]!: a nulled edge nulls the connection
        out.append(edge)
    return out


def sub_type_name(f: Field) -> str | None:
    return None if f.named is None else f.named.name


def _page_info(page: Page, f: Field) -> dict[str, Any]:
    id_pos = page.statement.root.id_pos
    keys = [row[id_pos] for row in page.rows]
    values: dict[str, Any] = {
        TYPENAME: sub_type_name(f),
        "hasNextPage": page.has_next,
        "hasPreviousPage": page.after is not None,
        "startCursor": encode_cursor(keys[0]) if keys else None,
        "endCursor": encode_cursor(keys[-1]) if keys else None,
    }
    return {sub.key: values[sub.name] for sub in f.children}

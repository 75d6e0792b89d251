"""Filters a caller adds to a read. A filter may only test what the caller may read: a filter on a field
the policy hides would tell, by which rows come back, what the field holds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement

from hub.policy.access import Access, Forbidden
from hub.policy.catalog import KINDS
from hub.queries.reader import Reader


def may_filter(access: Access, kind: str, name: str) -> bool:
    """Whether every one of the caller's grants of `kind` lets it read `name` (so a filter reveals nothing)."""
    grants = access.grants(kind)
    return bool(grants) and all(name in g.fields for g in grants)


def require_filterable(access: Access, kind: str, fields: Iterable[str]) -> None:
    """Refuse a filter on a field some of the caller's grants of `kind` do not let it read."""
    for name in fields:
        if not may_filter(access, kind, name):
            raise Forbidden(f"role {access.role} may not filter {kind} records by {name}")


async def equal_to(reader: Reader, kind_name: str, /, **values: Any) -> list[ColumnElement[bool]]:
    """`field == value` for each given value (None: not filtered), each refused unless the caller may read it."""
    given = {name: value for name, value in values.items() if value is not None}
    require_filterable(await reader.access(), kind_name, given)
    return [KINDS[kind_name].column(name) == value for name, value in given.items()]

"""Filters a caller adds to a read. A filter may only test what the caller may read: a filter on a field
the policy hides would tell, by which rows come back, what the field holds."""

from __future__ import annotations

from collections.abc import Iterable

from hub.policy.access import Access, Forbidden


def require_filterable(access: Access, kind: str, fields: Iterable[str]) -> None:
    """Refuse a filter on a field some of the caller's grants of `kind` do not let it read."""
    grants = access.grants(kind)
    for name in fields:
        if not grants or any(name not in g.fields for g in grants):
            raise Forbidden(f"role {access.role} may not filter {kind} records by {name}")

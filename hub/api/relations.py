"""Relation fields of the record types, derived from the catalog (hub/policy/catalog.py `Kind.relations`).

A record type declares a relation by its GraphQL type only (`owner: Organization | None = relation()`); what it
leads to and by which key comes from the catalog, and the rows come through the request's DataLoader for that
(kind, key), so under the caller's policy, one batch per relation per level. A record that does not hold the
relation's key may not read it: FieldForbidden on the field, as for a plain field (hub/api/views.py).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from hub.api.views import field_value
from hub.policy.catalog import KINDS, Relation


def catalog_relation(type_name: str, field: str) -> Relation:
    """The catalog's relation behind a GraphQL field; a KeyError names a field the catalog does not declare."""
    try:
        return KINDS[type_name].relations[field]
    except KeyError:
        raise KeyError(f"{type_name}.{field} is a relation field the catalog does not declare") from None


def relation(description: str | None = None) -> Any:
    """A relation field: its type is the attribute's annotation, its target and key the catalog's, looked up
    once (at the field's first use: the field's name and type are known only once its class is built)."""
    found: list[Relation] = []

    def resolve(root: Any, info: Info) -> Any:
        """The related record (or list) through the request's loader for the relation: a future, not a
        coroutine, so a page does not schedule a task per row for it."""
        name = field.python_name
        key = field_value(root, name)
        if key is None:
            return None
        if not found:
            found.append(catalog_relation(type(root).__name__, name))
        return info.context.loaders.of(found[0]).load(key)

    resolve.__dict__["catalog_relation"] = True  # how is_relation knows it
    field: Any = strawberry.field(resolver=resolve, description=description)
    return field


def newest(description: str | None = None) -> Any:
    """A to-one field that shows the newest record of the catalog's to-many relation of the same name (e.g. a
    footprint's data-quality checks, oldest first: the last is the one in force). Same loader, same policy."""
    found: list[Relation] = []

    async def resolve(root: Any, info: Info) -> Any:
        name = field.python_name
        key = field_value(root, name)
        if key is None:
            return None
        if not found:
            found.append(catalog_relation(type(root).__name__, name))
        records = await info.context.loaders.of(found[0]).load(key)
        return records[-1] if records else None

    resolve.__dict__["catalog_relation"] = "newest"  # is_relation knows it; the GraphQL field is to one
    field: Any = strawberry.field(resolver=resolve, description=description)
    return field


def picks_newest(field: Any) -> bool:
    """Whether a relation field shows the newest record of a to-many catalog relation (`newest()`)."""
    resolver = getattr(field, "base_resolver", None)
    return resolver is not None and getattr(resolver.wrapped_func, "__dict__", {}).get("catalog_relation") == "newest"


def is_relation(field: Any) -> bool:
    """Whether a strawberry field is a relation declared with `relation()`."""
    resolver = getattr(field, "base_resolver", None)
    return resolver is not None and bool(getattr(resolver.wrapped_func, "__dict__", {}).get("catalog_relation"))

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


def resolve_relation(root: Any, info: Info) -> Any:
    """The related record (or list) through the loader for the catalog's relation: a future, not a coroutine,
    so a page does not schedule a task per row."""
    name = info.python_name
    key = field_value(root, name)
    if key is None:
        return None
    return info.context.loaders.of(catalog_relation(type(root).__name__, name)).load(key)


def relation(description: str | None = None) -> Any:
    """A relation field: its type is the attribute's annotation, its target and key the catalog's."""
    return strawberry.field(resolver=resolve_relation, description=description)


def is_relation(field: Any) -> bool:
    """Whether a strawberry field is a relation declared with `relation()`."""
    resolver = getattr(field, "base_resolver", None)
    return resolver is not None and resolver.wrapped_func is resolve_relation

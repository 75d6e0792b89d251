"""Records of the data-access layer as GraphQL objects, and the one rule for reading their fields.

A record holds only the fields the caller may read; reading a field the record does not hold is an
authorization error on that field (FieldForbidden), never an empty value.
"""

from __future__ import annotations

from typing import Any, TypeVar

from hub.api.errors import FieldForbidden

T = TypeVar("T")

# GraphQL type of each record kind; filled by hub/api/types.py (which imports the loaders, which need this).
RECORD_TYPES: dict[str, type] = {}


def view(cls: type[T], record: dict[str, Any]) -> T:
    obj = cls.__new__(cls)
    obj.__dict__.update(record)
    return obj


def views(cls: type[T], records: list[dict[str, Any]]) -> list[T]:
    return [view(cls, r) for r in records]


def record_view(record: dict[str, Any]) -> Any:
    return view(RECORD_TYPES[record["_kind"]], record)


def field_value(obj: Any, name: str) -> Any:
    try:
        return obj.__dict__[name]
    except KeyError:
        raise FieldForbidden(type(obj).__name__, name) from None


def resolve_field(obj: Any, name: str) -> Any:
    """The schema's default resolver: an attribute read that refuses fields the record does not hold."""
    try:
        return obj.__dict__[name]
    except KeyError:
        raise FieldForbidden(type(obj).__name__, name) from None

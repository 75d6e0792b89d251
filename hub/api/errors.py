"""Errors the API shows, and how: authorization and input errors stay readable, the rest is masked."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.utils.str_converters import to_camel_case

from hub.policy.access import Forbidden
from hub.validation import InvalidInput


class FieldForbidden(Forbidden):
    """A field of a record the caller may read, that the caller may not read."""

    def __init__(self, type_name: str, field: str) -> None:
        self.type_name, self.field = type_name, field
        super().__init__(f"Not authorized to read {type_name}.{_camel(field)}")


class QueryRefused(Exception):
    """A request refused before execution (protection limits, introspection, operation over GET)."""

    def __init__(self, message: str, code: str) -> None:
        self.code = code
        super().__init__(message)


def _camel(name: str) -> str:
    return to_camel_case(name)


MASKED = "Unexpected error."


def format_error(error: GraphQLError, dev: bool) -> dict[str, Any]:
    """The error as a response entry; unexpected errors are masked unless in dev mode."""
    original = error.original_error
    out = error.formatted
    if original is None:
        return out  # syntax and validation errors: about the query, safe to show
    if isinstance(original, Forbidden):
        out["extensions"] = {**out.get("extensions", {}), "code": "FORBIDDEN"}
        return out
    if isinstance(original, InvalidInput):
        out["extensions"] = {
            **out.get("extensions", {}),
            "code": "BAD_USER_INPUT",
            "fields": [{"path": e.path, "reason": e.reason} for e in original.errors],
        }
        return out
    if isinstance(original, GraphQLError):  # e.g. variable coercion raised during execution
        return out
    if dev:
        out["extensions"] = {**out.get("extensions", {}), "code": "INTERNAL", "exception": repr(original)}
        return out
    return {k: v for k, v in {**out, "message": MASKED, "extensions": {"code": "INTERNAL"}}.items() if v}

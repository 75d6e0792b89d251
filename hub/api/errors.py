"""Errors the API shows, and how: authorization and input errors stay readable, the rest is masked.

A masked error is logged (logger `cfhub.errors`, with its traceback) under a correlation id that the
answer carries in `extensions.id`, so an operator can find the cause of any "Unexpected error.". Outside
dev mode no message suggests names ("Did you mean ...?"): they would map the schema for a stranger.
"""

from __future__ import annotations

import logging
import re
import uuid
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
log = logging.getLogger("cfhub.errors")
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    """`message` without graphql-core's "Did you mean ...?" hints (wherever in the message they stand)."""
    return _SUGGESTION.sub("", message)


def unexpected(exc: BaseException, where: str) -> dict[str, Any]:
    """Log `exc` with its traceback under a new correlation id; the masked answer that carries the id."""
    error_id = uuid.uuid4().hex
    log.error("Unexpected error %s at %s: %r", error_id, where, exc, exc_info=(type(exc), exc, exc.__traceback__))
    return {"message": MASKED, "extensions": {"code": "INTERNAL", "id": error_id}}


def format_error(error: GraphQLError, dev: bool) -> dict[str, Any]:
    """The error as a response entry; unexpected errors are logged, and masked unless in dev mode."""
    out = _formatted(error, dev)
    if not dev:
        out["message"] = without_suggestions(out["message"])
    return out


def _formatted(error: GraphQLError, dev: bool) -> dict[str, Any]:
    original = error.original_error
    out: dict[str, Any] = dict(error.formatted)
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
    masked = unexpected(original, ".".join(str(p) for p in error.path or ()) or "the request")
    if dev:
        out["extensions"] = {**out.get("extensions", {}), **masked["extensions"], "exception": repr(original)}
        return out
    return {k: v for k, v in {**out, **masked}.items() if v}

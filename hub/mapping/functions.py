"""The functions a mapping expression may call. They are part of the mapping language (documented in
docs/mappings.md); a mapping that needs another one shows a gap in the language, not in a mapping."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

_CFHUB_NS = uuid.UUID("0f1c5e7a-9c1d-5b2e-8f8a-6a1d2c3b4e5f")


def uuid_for(iri: str) -> str:
    """A stable UUID for an IRI: the UUID itself for `urn:uuid:...`, else a UUIDv5 of the IRI."""
    if iri.startswith("urn:uuid:"):
        return iri[9:]
    return str(uuid.uuid5(_CFHUB_NS, iri))


def urn_for(iri: str, kind: str) -> str:
    """A URN for an IRI: the IRI itself when it is a URN, else `urn:cfhub:<kind>:<last path segment>`."""
    if iri[:4].lower() == "urn:":
        return iri
    return f"urn:cfhub:{kind}:{iri.rstrip('/').rsplit('/', 1)[-1]}"


def first_with_prefix(values: Iterable[str] | None, prefix: str) -> str | None:
    """The first value that starts with `prefix`, without the prefix; None when there is none."""
    for v in values or ():
        if v.startswith(prefix):
            return v[len(prefix) :]
    return None


def first_without_prefix(values: Iterable[str] | None, *prefixes: str) -> str | None:
    """The first value that starts with none of `prefixes`."""
    for v in values or ():
        if not v.startswith(prefixes):
            return v
    return None


def prefixed(prefix: str, value: Any) -> str | None:
    """`prefix + value`, or None when value is None."""
    return None if value is None else f"{prefix}{value}"


def compact(*values: Any) -> list[Any] | None:
    """The values that are not None, without repeats, in order; None when none is left."""
    out: list[Any] = []
    for v in values:
        if v is not None and v not in out:
            out.append(v)
    return out or None


def country_of(subdivision: str | None) -> str | None:
    """The ISO 3166-1 country of an ISO 3166-2 subdivision code (CN-ZJ -> CN)."""
    return subdivision.split("-", 1)[0] if subdivision else None


def rest(values: list[Any] | None) -> list[Any] | None:
    """All but the first element; None when nothing is left."""
    return list(values[1:]) if values and len(values) > 1 else None


def split(text: str | None, sep: str) -> list[str] | None:
    """The non-empty, stripped parts of `text`; None for None."""
    if text is None:
        return None
    return [p.strip() for p in text.split(sep) if p.strip()] or None


def join(values: Iterable[Any] | None, sep: str) -> str | None:
    """The values joined by `sep`; None when there are none."""
    items = [str(v) for v in values or () if v is not None]
    return sep.join(items) if items else None


def pluck(items: Iterable[dict[str, Any]] | None, key: str) -> list[Any] | None:
    """The `key` of every object (lists flattened), without repeats; None when none has it."""
    out: list[Any] = []
    for item in items or ():
        value = item.get(key)
        for v in value if isinstance(value, list) else [value]:
            if v is not None and v not in out:
                out.append(v)
    return out or None


def get(obj: dict[str, Any] | None, key: str) -> Any:
    """obj[key], or None when obj is None or has no such key."""
    return None if obj is None else obj.get(key)


def extension_data(extensions: Iterable[dict[str, Any]] | None, data_schema: str) -> dict[str, Any] | None:
    """The `data` of the first PACT DataModelExtension whose dataSchema is `data_schema`."""
    for ext in extensions or ():
        if ext.get("dataSchema") == data_schema:
            return ext.get("data")
    return None


def exact(value: float | int) -> Decimal:
    """The decimal a stored number stands for: a float's shortest round-trip spelling, not its binary
    expansion (the float 0.1 is the decimal 0.1 here, not 0.1000000000000000055...)."""
    return Decimal(repr(value)) if value.__class__ is float else Decimal(value)


def _exact_operator(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`op` in decimal arithmetic for two numbers (so 35.1 + 58.9 is 94.0, not 94.00000000000001), the result
    given back as the float nearest to the exact decimal; any other operands (strings, lists) as Python does."""

    def apply(a: Any, b: Any) -> Any:
        if a.__class__ in _NUMBERS and b.__class__ in _NUMBERS:
            if a.__class__ is int and b.__class__ is int and op is not operator.truediv:
                return op(a, b)  # integers are exact already
            return float(op(exact(a), exact(b)))
        return op(a, b)

    return apply


_NUMBERS = (int, float)  # not bool: True + 1 stays Python's


def exact_sum(values: Iterable[Any], start: Any = 0) -> Any:
    """`sum` in decimal arithmetic, like the operators."""
    total = start
    add = OPERATORS["_op_add"]
    for v in values:
        total = add(total, v)
    return total


# Arithmetic of mapping expressions: hub/mapping/expressions.py turns `a + b` into `_op_add(a, b)`, and so on.
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "_op_add": _exact_operator(operator.add),
    "_op_sub": _exact_operator(operator.sub),
    "_op_mul": _exact_operator(operator.mul),
    "_op_div": _exact_operator(operator.truediv),
}


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "split": split,
    "join": join,
    "pluck": pluck,
    "get": get,
    "extension_data": extension_data,
    "uuid_for": uuid_for,
    "urn_for": urn_for,
    "first_with_prefix": first_with_prefix,
    "first_without_prefix": first_without_prefix,
    "prefixed": prefixed,
    "compact": compact,
    "country_of": country_of,
    "rest": rest,
    "len": len,
    "sum": exact_sum,
    "round": round,
    "abs": abs,
    "min": min,
    "max": max,
    "str": str,
    "float": float,
    "int": int,
}

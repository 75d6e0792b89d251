"""Facts in: nested or flat dicts from the hub, normalised to the vocabulary's CEL types.

CEL does not mix int and double, so an int given for a double fact becomes a float and an integral
float given for an int fact becomes an int. A value of the wrong type is set aside as invalid (and
then treated as missing), never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules_engine import ir


def flatten(facts: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"fp": {"dqr": 2}} and {"fp.dqr": 2} both give {"fp.dqr": 2} (groups are plain dicts)."""
    if not any(isinstance(v, dict) for v in facts.values()):
        return {f"{prefix}{k}": v for k, v in facts.items()} if prefix else dict(facts)
    out: dict[str, Any] = {}
    for key, value in facts.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _coerce(value: Any, kind: str) -> Any:
    """The value as the CEL type `kind`, or raise TypeError."""
    if kind == ir.DOUBLE and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == ir.INT and not isinstance(value, bool):
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if kind == ir.BOOL and isinstance(value, bool):
        return bool(value)
    if kind == ir.STRING and isinstance(value, str):
        return str(value)
    if kind.startswith("list(") and isinstance(value, list | tuple):
        return tuple(_coerce(item, kind[5:-1]) for item in value)
    raise TypeError(f"expected {kind}, got {type(value).__name__} {value!r}")


_PYTHON_TYPE = {ir.DOUBLE: float, ir.INT: int, ir.BOOL: bool, ir.STRING: str}


def normalise(facts: Mapping[str, Any], types: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(present facts with CEL-typed values, invalid facts -> reason). Unknown names are dropped."""
    flat = flatten(facts)
    present: dict[str, Any] = {}
    invalid: dict[str, str] = {}
    for name, value in flat.items():
        kind = types.get(name)
        if kind is None or value is None:
            continue
        if isinstance(value, float) and value != value:  # NaN stands for missing, as in batch columns
            continue
        if type(value) is _PYTHON_TYPE.get(kind):  # the common case: already the right type
            present[name] = value
            continue
        try:
            present[name] = _coerce(value, kind)
        except TypeError as error:
            invalid[name] = str(error)
    return present, invalid

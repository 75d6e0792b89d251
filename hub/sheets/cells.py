"""One cell's value as the input field its column names, or the reason it cannot be (types in layout.yaml)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hub.sheets.layout import Column

_LIST_SPLIT = re.compile(r"[,;、，；]")


class CellProblem(ValueError):
    """The reason a cell is refused (the caller names sheet, row and column)."""


def empty(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and value.isspace())


def convert(column: Column, value: Any, codes: Mapping[str, frozenset[str]], max_text: int) -> Any:
    """`value` (a calamine cell: str, float, int, bool, date, datetime; or a CSV string) as `column` wants it."""
    kind = column.type
    if kind == "number":
        return _number(value)
    if kind == "date":
        return _date(value)
    text = _text(value, max_text)
    if kind == "list":
        items = [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]
        if not items:
            raise CellProblem("needs at least one item (separate items with ',')")
        return items
    allowed = codes.get(kind)
    if allowed is not None and text not in allowed:
        shown = ", ".join(sorted(allowed)[:12]) + (" ..." if len(allowed) > 12 else "")
        raise CellProblem(f"{text!r} is not one of the allowed values ({shown})")
    return text


def _text(value: Any, max_text: int) -> str:
    if type(value) is str and len(value) <= max_text:
        return value.strip()  # the common case, first
    if isinstance(value, bool):
        raise CellProblem(f"must be text, not the boolean {value}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores every number as a float: a reference 7 is "7", not "7.0"
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    if len(text) > max_text:
        raise CellProblem(f"is {len(text)} characters long; at most {max_text} are accepted")
    return text


def _number(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value  # the common case, first
    if isinstance(value, (bool, date, datetime)):
        raise CellProblem(f"must be a number, not {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())  # "1,5" is refused, never read as 15 or 1.5
        except ValueError:
            raise CellProblem(f"{str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise CellProblem(f"must be a finite number, not {number}")
    return number


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise CellProblem(f"{value.strip()[:40]!r} is not a date (write YYYY-MM-DD)") from None
    raise CellProblem(f"{value!r} is not a date (write YYYY-MM-DD)")

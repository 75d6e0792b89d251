"""Reading and checking a whole source file (CSV, UTF-8) before anything is written. Pure: no database.

Every row is checked and every problem collected with its file, row, column and reason; the caller writes
nothing while one remains. The credit codes are checked here for form (GB 32100 check character); whether
the hub knows the enterprise is the importer's check (it needs the database).
"""

from __future__ import annotations

import calendar
import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from hub.domain.credit_code import credit_code_problem
from hub.sources.errors import RowError
from hub.sources.layout import FileKind, SourceLayout
from hub.units import Units

EARLIEST_YEAR = 1990  # no monitoring or verification scheme in China reports earlier periods


@dataclass(frozen=True)
class SourceRow:
    row: int
    credit_code: str
    period_start: date
    period_end: date
    item: str
    amount: float
    unit: str
    verifier: str | None
    note: str | None


def parse_source(
    kind: FileKind, layout: SourceLayout, units: Units, file: str, body: bytes, today: date
) -> tuple[list[SourceRow], list[RowError]]:
    """The file's rows, and every problem in it (rows with a problem are left out of the first list)."""
    whole = _whole_file_problem(layout, body)
    if whole is not None:
        return [], [RowError(file, 0, "file", whole)]
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    try:
        return _rows(kind, layout, units, file, reader, today)
    except csv.Error as exc:  # a NUL byte, a cell beyond the csv module's field limit, an unclosed quote
        return [], [RowError(file, reader.line_num, "file", f"is not CSV the hub can read: {exc}")]


def _rows(
    kind: FileKind, layout: SourceLayout, units: Units, file: str, reader: Iterator[list[str]], today: date
) -> tuple[list[SourceRow], list[RowError]]:
    header = [h.strip() for h in next(reader, [])]
    errors = _header_problems(kind, file, header)
    if errors:
        return [], errors
    rows: list[SourceRow] = []
    seen: dict[tuple[str, date, str], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if number - 1 > layout.limits.max_rows:
            errors.append(RowError(file, number, "file", f"has more than {layout.limits.max_rows} data rows"))
            break
        parsed, problems = _row(kind, layout, units, file, number, dict(zip(header, cells, strict=False)), today)
        if len(cells) != len(header):
            problems.append(RowError(file, number, "row", f"has {len(cells)} cells, the header {len(header)}"))
        if parsed is not None and not problems:
            key = (parsed.credit_code, parsed.period_start, parsed.item)
            if key in seen:
                reason = f"the same enterprise, period and item as row {seen[key]}"
                problems.append(RowError(file, number, "item", reason))
            seen.setdefault(key, number)
        errors.extend(problems)
        if parsed is not None and not problems:
            rows.append(parsed)
    if not rows and not errors:
        errors.append(RowError(file, 0, "file", "has no data rows"))
    return rows, errors


def _whole_file_problem(layout: SourceLayout, body: bytes) -> str | None:
    if len(body) > layout.limits.max_bytes:
        return f"is larger than {layout.limits.max_bytes} bytes"
    try:
        body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start}): save the CSV as UTF-8"
    return None


def _header_problems(kind: FileKind, file: str, header: list[str]) -> list[RowError]:
    allowed = set(kind.columns) | set(kind.optional_columns)
    found = [
        RowError(file, 1, column, f"is missing; {kind.name} files have the columns {', '.join(kind.columns)}")
        for column in kind.columns
        if column not in header
    ]
    found += [
        RowError(file, 1, column or "(empty)", f"is not a column of {kind.name}; known: {', '.join(sorted(allowed))}")
        for column in header
        if column not in allowed
    ]
    found += [RowError(file, 1, c, "appears twice") for c in sorted({c for c in header if header.count(c) > 1})]
    return found


def _row(
    kind: FileKind,
    layout: SourceLayout,
    units: Units,
    file: str,
    number: int,
    cells: dict[str, str],
    today: date,
) -> tuple[SourceRow | None, list[RowError]]:
    problems: list[RowError] = []

    def problem(column: str, reason: str) -> None:
        problems.append(RowError(file, number, column, reason))

    values = {k: (v or "").strip() for k, v in cells.items()}
    for column, value in values.items():
        if len(value) > layout.limits.max_text:
            problem(column, f"has {len(value)} characters; at most {layout.limits.max_text}")
        elif "\x00" in value:  # no database text column holds one (PostgreSQL refuses it)
            problem(column, "holds a NUL character")
    code = values.get("credit_code", "")
    code_problem = credit_code_problem(code) if code else "is empty"
    if code_problem:
        problem("credit_code", f"{code!r} is not a unified social credit code: {code_problem}")
    period = _period(kind, values.get("period", ""), today)
    if isinstance(period, str):
        problem("period", period)
    item = values.get("item", "")
    if item not in kind.items:
        problem("item", f"{item!r} is not an item of {kind.name}; known: {', '.join(kind.items)}")
    amount = _amount(values.get("amount", ""), item)
    if isinstance(amount, str):
        problem("amount", amount)
    unit = values.get("unit", "")
    if item in kind.items:
        unit_problem = _unit_problem(layout, units, item, unit)
        if unit_problem:
            problem("unit", unit_problem)
    verifier = values.get("verifier") or None
    if "verifier" in kind.columns and verifier is None:
        problem("verifier", "is empty; a verified report names its verifier")
    if problems or isinstance(period, str) or isinstance(amount, str):
        return None, problems
    start, end = period
    note = values.get("note") or None
    return SourceRow(number, code, start, end, item, amount, unit, verifier, note), []


def _period(kind: FileKind, text: str, today: date) -> tuple[date, date] | str:
    """The first and last day of a month (YYYY-MM) or a year (YYYY); refused if impossible or not yet over."""
    form = "YYYY-MM" if kind.period == "month" else "YYYY"
    try:
        if kind.period == "month":
            year_text, _, month_text = text.partition("-")
            if len(year_text) != 4 or len(month_text) != 2:
                raise ValueError(text)
            year, month = int(year_text), int(month_text)
            start = date(year, month, 1)
            end = date(year, month, calendar.monthrange(year, month)[1])
        else:
            if len(text) != 4:
                raise ValueError(text)
            year = int(text)
            start, end = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return f"{text!r} is not a {kind.period} ({form})"
    if year < EARLIEST_YEAR:
        return f"{text!r} is before {EARLIEST_YEAR}; no source reports such a period"
    if end >= today:
        return f"{text!r} is not over yet (today is {today.isoformat()}): a source reports closed periods"
    return start, end


def _amount(text: str, item: str) -> float | str:
    try:
        value = float(text)
    except ValueError:
        return f"{text!r} is not a number"
    if not math.isfinite(value):
        return f"{text!r} is not a finite number"
    if value < 0:
        return f"is negative ({value:g}); a source reports consumption, output and emissions as amounts >= 0"
    if item == "output" and value == 0:
        return "is 0; an output row states what was produced (leave the row out when nothing was)"
    return value


def _unit_problem(layout: SourceLayout, units: Units, item: str, unit: str) -> str | None:
    allowed = layout.items[item].dimensions
    fitting = [name for name in units.names if units.dimension_of[name] in allowed]
    if unit not in units.dimension_of:
        return f"{unit!r} is not a unit of the hub; units that fit {item}: {', '.join(fitting)}"
    if units.dimension_of[unit] not in allowed:
        return f"{unit} ({units.dimension_of[unit]}) does not fit {item}; units that fit: {', '.join(fitting)}"
    return None

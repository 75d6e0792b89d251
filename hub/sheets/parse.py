"""An uploaded file, validated whole before anything touches the database: every cell converted to its input
field, rows grouped into footprint inputs (inventory lines joined to their footprint by its `ref`), and every
problem collected, naming sheet, row and column, rather than stopping at the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.sheets.cells import CellProblem, convert, empty
from hub.sheets.errors import CellError, SheetRefused
from hub.sheets.layout import Column, Layout, Sheet, header_key
from hub.sheets.read import RawSheet

Progress = Callable[[int], None]


@dataclass
class Planned:
    """One footprint to import: its input (with its inventory) and where each part came from."""

    ref: str
    row: int
    data: dict[str, Any]
    line_rows: list[int] = field(default_factory=list)


@dataclass
class _Collected:
    footprints: dict[str, Planned] = field(default_factory=dict)
    lines: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ref_rows: dict[str, int] = field(default_factory=dict)  # the first row of each footprints ref
    broken: set[str] = field(default_factory=set)  # refs of footprints rows refused cell by cell
    broken_lines: set[str] = field(default_factory=set)  # footprint refs of inventory rows refused so
    rows: int = 0


def plan(
    sheets: Iterable[RawSheet],
    layout: Layout,
    codes: Mapping[str, frozenset[str]],
    progress: Progress | None = None,
) -> list[Planned]:
    """The footprints the file holds, in file order; raises SheetRefused naming every bad cell."""
    out = _Collected()
    seen: set[str] = set()
    for raw in sheets:
        sheet = layout.sheets[raw.name]
        seen.add(raw.name)
        columns = _columns(sheet, raw.header, out.errors)
        if columns is None:
            continue
        for number, cells in raw.rows:
            out.rows += 1
            if out.rows > layout.limits.max_rows:
                out.errors.append(CellError(sheet.name, number, "", f"more than {layout.limits.max_rows} rows"))
                raise SheetRefused(out.errors)
            if progress is not None and out.rows % 10_000 == 0:
                progress(out.rows)
            _row(sheet, number, cells, columns, layout, codes, out)
    for name in ("footprints", "inventory"):
        if name not in seen:
            out.errors.append(CellError(name, 1, "", "the sheet is missing (download the template)"))
    _join(out)
    if out.errors:
        raise SheetRefused(out.errors)
    if progress is not None:
        progress(out.rows)
    return list(out.footprints.values())


def _columns(sheet: Sheet, header: list[Any], errors: list[CellError]) -> list[Column | None] | None:
    """The layout column of each header cell (None for an empty header); None if the header is unusable."""
    columns: list[Column | None] = []
    ok = True
    for i, cell in enumerate(header):
        if empty(cell):
            columns.append(None)
            continue
        column = sheet.column(header_key(cell))
        if column is None:
            errors.append(CellError(sheet.name, 1, str(cell)[:80], f"unknown column (column {i + 1})"))
            ok = False
        elif column in columns:
            errors.append(CellError(sheet.name, 1, column.key, "appears twice"))
            ok = False
        columns.append(column)
    for column in sheet.columns:
        if column.required and column not in columns:
            errors.append(CellError(sheet.name, 1, column.key, "the column is missing"))
            ok = False
    return columns if ok else None


def _row(
    sheet: Sheet,
    number: int,
    cells: list[Any],
    columns: list[Column | None],
    layout: Layout,
    codes: Mapping[str, frozenset[str]],
    out: _Collected,
) -> None:
    if cells and cells[0] == layout.example_ref:
        return
    values: dict[str, Any] = {}
    failed: set[str] = set()
    max_text = layout.limits.max_text
    for column, cell in zip(columns, cells, strict=False):
        if column is None or empty(cell):
            continue
        try:
            values[column.key] = convert(column, cell, codes, max_text)
        except CellProblem as exc:
            out.errors.append(CellError(sheet.name, number, column.key, str(exc)))
            failed.add(column.key)
    beyond = len(cells) > len(columns) and any(not empty(c) for c in cells[len(columns) :])
    if beyond:
        out.errors.append(CellError(sheet.name, number, "", "has values beyond the last named column"))
    if not values and not failed:
        return  # a blank row
    if sheet.name == "footprints" and "ref" in values:
        first = out.ref_rows.setdefault(values["ref"], number)
        if first != number:
            out.errors.append(CellError(sheet.name, number, "ref", f"{values['ref']!r} is used by row {first} already"))
            return
    missing = [key for key in sheet.required if key not in values and key not in failed]
    if missing or failed:
        out.errors.extend(CellError(sheet.name, number, key, "is required") for key in missing)
        if sheet.name == "footprints" and "ref" in values:
            out.broken.add(values["ref"])  # its lines are not blamed for naming it
        if sheet.name == "inventory" and "footprint_ref" in values:
            out.broken_lines.add(values["footprint_ref"])  # nor is its footprint blamed for having no line
        return
    if sheet.name == "footprints":
        ref = values.pop("ref")
        out.footprints[ref] = Planned(ref, number, values)
    else:
        out.lines.append((number, values.pop("footprint_ref"), values))


def _join(out: _Collected) -> None:
    """Each inventory line into its footprint's input; a footprint needs at least one line."""
    for number, ref, line in out.lines:
        planned = out.footprints.get(ref)
        if planned is None:
            if ref in out.broken:
                continue
            out.errors.append(CellError("inventory", number, "footprint_ref", f"names no footprints row: {ref!r}"))
            continue
        planned.data.setdefault("inventory", []).append(line)
        planned.line_rows.append(number)
    for planned in out.footprints.values():
        if not planned.line_rows and planned.ref not in out.broken_lines:
            out.errors.append(CellError("footprints", planned.row, "ref", "has no inventory rows"))

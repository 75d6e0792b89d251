"""Rows of an uploaded .xlsx (python-calamine, row by row) or CSV (one table; its `sheet` column says which
sheet of the workbook each row belongs to), as (sheet, row number, cells) for the parser."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from hub.sheets.errors import FileRefused
from hub.sheets.guard import check_workbook
from hub.sheets.layout import Layout, header_key

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class RawSheet:
    """One sheet: its name in the layout, its header row and an iterator over (row number, cells)."""

    name: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]


def sheets_of(body: bytes, layout: Layout) -> Iterator[RawSheet]:
    """The layout's sheets found in `body` (an .xlsx workbook or a CSV file), in file order."""
    if len(body) > layout.limits.max_bytes:
        raise FileRefused(f"the file is {len(body)} bytes; at most {layout.limits.max_bytes} are accepted")
    if body.startswith(_ZIP):
        return _workbook(body, layout)
    return _csv(body, layout)


def sheet_name(title: str, layout: Layout) -> str | None:
    """The layout sheet a workbook sheet title names: "产品碳足迹 footprints" or "footprints"."""
    key = title.strip().rpartition(" ")[2]
    return key if key in layout.sheets else None


def _workbook(body: bytes, layout: Layout) -> Iterator[RawSheet]:
    check_workbook(body, layout.limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    except (CalamineError, ValueError, OSError) as exc:
        raise FileRefused(f"the file is not a readable Excel workbook (.xlsx): {exc}") from None
    for title in book.sheet_names:
        name = sheet_name(title, layout)
        if name is None:
            continue  # the code lists, or a sheet of the user's own
        try:
            rows = book.get_sheet_by_name(title).iter_rows()
            header = next(rows, [])
        except (CalamineError, ValueError) as exc:
            raise FileRefused(f"sheet {title} cannot be read: {exc}") from None
        yield RawSheet(name, list(header), ((i, list(r)) for i, r in enumerate(rows, start=2)))


def _csv(body: bytes, layout: Layout) -> Iterator[RawSheet]:
    """A CSV file: header `sheet,<keys of every sheet>`; a row fills the columns of the sheet it names."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("the file is neither an Excel workbook (.xlsx) nor a UTF-8 CSV file") from None
    if "\x00" in text:
        raise FileRefused("the file is neither an Excel workbook (.xlsx) nor a UTF-8 CSV file (it holds NUL bytes)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise FileRefused(f"the CSV file cannot be read: {exc}") from None
    if not header or header_key(header[0]) != "sheet":
        raise FileRefused("a CSV file's first column must be 'sheet' (see docs/sheets.md)")
    rows: dict[str, list[tuple[int, list[Any]]]] = {name: [] for name in layout.sheets}
    try:
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            name = sheet_name(row[0], layout) if row else None
            if name is None:
                raise FileRefused(f"CSV row {number}: column sheet must name one of {', '.join(layout.sheets)}")
            rows[name].append((number, row[1:]))
    except csv.Error as exc:
        raise FileRefused(f"the CSV file cannot be read: {exc}") from None
    for name, found in rows.items():
        own = {c.key for c in layout.sheets[name].columns}
        # The other sheets' columns get no header here: their cells are not this sheet's (docs/sheets.md).
        yield RawSheet(name, [h if header_key(h) in own else "" for h in header[1:]], iter(found))

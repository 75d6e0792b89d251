"""Checks of an .xlsx file before python-calamine opens it.

calamine holds a sheet as a dense grid from its first to its last used cell, so a small file with one cell
in A1 and one in XFD1048576 would make it allocate 17 billion cells; and a zip part can decompress to far
more than its compressed size. Both are refused here from the zip directory and the sheets' row and
column references, without building any grid.
"""

from __future__ import annotations

import io
import re
import zipfile

from hub.sheets.errors import FileRefused
from hub.sheets.layout import Limits

_ROW = re.compile(rb'<row[^>]*?\sr="(\d+)"')
_COLUMN = re.compile(rb'<c[^>]*?\sr="([A-Z]+)\d+"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def column_number(letters: bytes) -> int:
    """A column's number from its letters: A -> 1, Z -> 26, AA -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(body: bytes, limits: Limits) -> None:
    """Raise FileRefused if the workbook's parts are too large unpacked, or a sheet spans too many rows or
    columns."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = archive.infolist()
            unpacked = sum(p.file_size for p in parts)
            if unpacked > limits.max_unzipped:
                raise FileRefused(f"the workbook unpacks to {unpacked} bytes; at most {limits.max_unzipped} are read")
            for part in parts:
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    _check_sheet(part.filename, archive.read(part), limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise FileRefused(f"the file is not a readable Excel workbook (.xlsx): {exc}") from None


def _check_sheet(name: str, xml: bytes, limits: Limits) -> None:
    rows = [int(r) for r in _ROW.findall(xml)]
    columns = [column_number(c) for c in set(_COLUMN.findall(xml))]
    dimension = _DIMENSION.search(xml)
    if dimension is not None:
        rows += [int(dimension[2]), int(dimension[4] or dimension[2])]
        columns += [column_number(dimension[1]), column_number(dimension[3] or dimension[1])]
    span_rows = max(rows) - min(rows) + 1 if rows else 0
    span_columns = max(columns) - min(columns) + 1 if columns else 0
    if span_rows > limits.max_rows + 2:  # the header and example rows come on top of the data rows
        raise FileRefused(f"{name} spans {span_rows} rows; at most {limits.max_rows} data rows are accepted")
    if span_columns > limits.max_columns:
        raise FileRefused(f"{name} spans {span_columns} columns; at most {limits.max_columns} are accepted")

"""The whole-file check before the database (hub/sheets/parse.py), on real .xlsx files written by openpyxl:
every bad cell named, limits kept, the example row skipped."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from hub.sheets.errors import CellError, FileRefused, SheetRefused
from hub.sheets.importer import parse_file
from hub.sheets.layout import Layout, layout

CODES = {
    "unit": frozenset({"kg", "kWh"}),
    "stage": frozenset({"production"}),
    "boundary": frozenset({"cradle_to_gate"}),
}


def _footprint(ref: Any, **extra: Any) -> list[Any]:
    values = {
        "ref": ref,
        "product_iri": "https://hub.example/id/product/1",
        "declared_unit": "kg",
        "declared_unit_amount": 1,
        "product_mass_kg_per_declared_unit": 1,
        "system_boundary": "cradle_to_gate",
        "reference_period_start": "2024-01-01",
        "reference_period_end": "2024-12-31",
        "geography_country": "CN",
        "ipcc_characterization_factors": "AR6",
        "accounting_standards": "GB/T 24067-2024; ISO 14067:2018",
        "fossil_carbon_content_kgc": 0,
        "exempted_emissions_percent": 0,
        **extra,
    }
    return [values.get(c.key) for c in layout().footprints.columns]


def _line(ref: Any, amount: Any = 1, **extra: Any) -> list[Any]:
    values = {"footprint_ref": ref, "stage": "production", "activity": "a", "amount": amount, "unit": "kWh", **extra}
    return [values.get(c.key) for c in layout().inventory.columns]


def _xlsx(footprints: list[list[Any]], lines: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in (("footprints", footprints), ("inventory", lines)):
        ws = book.create_sheet(f"{layout().sheets[name].zh} {name}")
        ws.append(
            header if header is not None and name == "footprints" else [c.header for c in layout().sheets[name].columns]
        )
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refused(body: bytes, shape: Layout | None = None) -> set[tuple[str, int, str]]:
    with pytest.raises(SheetRefused) as caught:
        parse_file(body, CODES, sheet_layout=shape)
    return {(e.sheet, e.row, e.column) for e in caught.value.errors}


def test_rows_join_into_footprints_and_the_example_row_is_skipped() -> None:
    body = _xlsx(
        [_footprint(layout().example_ref), _footprint(7)], [_line(layout().example_ref), _line(7, 2.5), _line(7)]
    )
    [planned] = parse_file(body, CODES)
    assert planned.ref == "7" and planned.row == 3  # Excel's 7.0 is the text "7"
    assert planned.line_rows == [3, 4]
    assert planned.data["accounting_standards"] == ["GB/T 24067-2024", "ISO 14067:2018"]
    assert [line["amount"] for line in planned.data["inventory"]] == [2.5, 1.0]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("amount", float("nan")),
        ("amount", "inf"),
        ("amount", True),
        ("amount", "1,5"),
        ("unit", "furlong"),
        ("stage", "teleportation"),
        ("activity", "x" * 2001),
    ],
)
def test_a_bad_inventory_cell_is_named(cell: str, value: Any) -> None:
    line = _line("A", **{} if cell == "amount" else {cell: value})
    if cell == "amount":
        line = _line("A", value)
    assert _refused(_xlsx([_footprint("A")], [line])) == {("inventory", 2, cell)}


def test_every_problem_is_named_at_once() -> None:
    body = _xlsx(
        [_footprint("A", reference_period_end="31/12/2024"), _footprint("A"), _footprint("B", declared_unit=None)],
        [_line("A"), _line("C")],
    )
    assert _refused(body) == {
        ("footprints", 2, "reference_period_end"),
        ("footprints", 3, "ref"),
        ("footprints", 4, "declared_unit"),
        ("inventory", 3, "footprint_ref"),
    }


def test_unknown_and_missing_columns_are_named_in_the_header_row() -> None:
    header = [c.header for c in layout().footprints.columns if c.key != "geography_country"] + ["surprise"]
    assert _refused(_xlsx([], [], header)) == {("footprints", 1, "geography_country"), ("footprints", 1, "surprise")}


def test_a_file_with_more_rows_than_the_limit_is_refused_at_the_limit() -> None:
    shape = replace(layout(), limits=replace(layout().limits, max_rows=5))
    body = _xlsx([_footprint(i) for i in range(3)], [_line(i) for i in range(3)])
    with pytest.raises(SheetRefused) as caught:
        parse_file(body, CODES, sheet_layout=shape)
    assert caught.value.errors[-1] == CellError("inventory", 4, "", "more than 5 rows")


def _far_cells(*cells: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "footprints"
    for ref in cells:
        sheet[ref] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("cells", "words"),
    [(("A1", "XFD1048576"), "spans 1048576 rows"), (("A1", "CW2"), "spans 101 columns")],
)
def test_a_sheet_spanning_a_huge_grid_is_refused_before_calamine_builds_it(cells: tuple[str, ...], words: str) -> None:
    with pytest.raises(FileRefused, match=words):
        parse_file(_far_cells(*cells), CODES)


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unread() -> None:
    shape = replace(layout(), limits=replace(layout().limits, max_unzipped=1000))
    with pytest.raises(FileRefused, match="unpacks to"):
        parse_file(_xlsx([_footprint("A")], [_line("A")]), CODES, sheet_layout=shape)


def test_excel_dates_and_numbers_typed_as_text_are_read() -> None:
    body = _xlsx([_footprint("A", reference_period_start=date(2024, 2, 1), declared_unit_amount="2.5")], [_line("A")])
    [planned] = parse_file(body, CODES)
    assert planned.data["reference_period_start"] == "2024-02-01"
    assert planned.data["declared_unit_amount"] == 2.5

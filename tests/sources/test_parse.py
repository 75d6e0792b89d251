"""A source file is checked whole before anything is written: every problem named by file, row, column and
reason (issue 14 item 4). No database."""

from __future__ import annotations

from datetime import date

import pytest

from hub.sources.cli import KINDS
from hub.sources.demo import DEMO_DIR, DEMO_FILES
from hub.sources.errors import RowError
from hub.sources.importer import SourceFile, checked_rows
from hub.sources.layout import load_layout
from hub.sources.parse import SourceRow, parse_source
from hub.units import Units

TODAY = date(2026, 11, 27)
CEMENT = "913302007MA27K7Q3M"
HEADER = "credit_code,period,item,amount,unit\n"


def _parse(text: str, kind: str = "energy-monitoring") -> tuple[list[SourceRow], list[RowError]]:
    layout = load_layout()
    return parse_source(layout.kinds[kind], layout, Units(), "f.csv", text.encode(), TODAY)


def test_the_demo_files_are_valid_and_the_cli_offers_every_kind() -> None:
    layout = load_layout()
    assert set(KINDS) == set(layout.kinds)
    for name, (kind, publisher, licence) in DEMO_FILES.items():
        file = SourceFile(kind, name, (DEMO_DIR / name).read_bytes(), publisher, licence)
        assert checked_rows(layout, Units(), file, TODAY)


def test_a_good_row_is_read_with_its_period() -> None:
    rows, errors = _parse(HEADER + f"{CEMENT},2024-02,electricity,4840,MWh\n")
    assert errors == []
    [row] = rows
    assert (row.row, row.period_start, row.period_end, row.amount, row.unit) == (
        2,
        date(2024, 2, 1),
        date(2024, 2, 29),
        4840.0,
        "MWh",
    )


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (f"{CEMENT},2024-01,electricity,NaN,MWh", "amount", "finite"),
        (f"{CEMENT},2024-01,electricity,inf,MWh", "amount", "finite"),
        (f"{CEMENT},2024-01,electricity,-5,MWh", "amount", "negative"),
        (f"{CEMENT},2024-01,electricity,lots,MWh", "amount", "not a number"),
        (f"{CEMENT},2024-01,output,0,t", "amount", "is 0"),
        (f"{CEMENT},2024-13,electricity,5,MWh", "period", "not a month"),
        (f"{CEMENT},1989-12,electricity,5,MWh", "period", "before 1990"),
        (f"{CEMENT},2026-11,electricity,5,MWh", "period", "not over yet"),
        (f"{CEMENT},9999-01,electricity,5,MWh", "period", "not over yet"),
        (f"{CEMENT},2024-1,electricity,5,MWh", "period", "YYYY-MM"),
        (f"{CEMENT},2024-01,electricity,5,furlong", "unit", "not a unit"),
        (f"{CEMENT},2024-01,electricity,5,t", "unit", "does not fit electricity"),
        (f"{CEMENT},2024-01,natural_gas,5,kWh", "unit", "does not fit natural_gas"),
        (f"{CEMENT},2024-01,unobtainium,5,t", "item", "not an item"),
        ("913302007MA27K7Q3X,2024-01,electricity,5,MWh", "credit_code", "check character"),
        (",2024-01,electricity,5,MWh", "credit_code", "empty"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(cells: str, column: str, words: str) -> None:
    rows, errors = _parse(HEADER + f"{CEMENT},2024-02,electricity,4840,MWh\n" + cells + "\n")
    assert [(e.file, e.row, e.column) for e in errors] == [("f.csv", 3, column)], errors
    assert words in errors[0].reason
    assert len(rows) == 1  # the good row is read; the importer writes nothing while an error remains


def test_every_problem_of_a_file_is_named_at_once() -> None:
    text = HEADER + f"{CEMENT},2024-01,electricity,-1,MWh\n{CEMENT},2024-99,electricity,5,MWh\n"
    _, errors = _parse(text + f"{CEMENT},2024-02,electricity,1,MWh\n{CEMENT},2024-02,electricity,2,MWh\n")
    assert [(e.row, e.column) for e in errors] == [(2, "amount"), (3, "period"), (5, "item")]
    assert "row 4" in errors[-1].reason  # the duplicate names the row it repeats


def test_a_verified_report_needs_its_verifier_and_a_year() -> None:
    header = "credit_code,period,item,amount,unit,verifier\n"
    rows, errors = _parse(
        header + f"{CEMENT},2024,scope1,5,tCO2e,\n{CEMENT},2024-01,scope2,5,tCO2e,CNAS\n", "verified-emissions"
    )
    assert [(e.row, e.column) for e in errors] == [(2, "verifier"), (3, "period")]
    assert rows == []


def test_headers_and_encoding_are_checked_before_any_row() -> None:
    _, errors = _parse("credit_code,period,item,amount,colour\n")
    assert {(e.row, e.column) for e in errors} == {(1, "unit"), (1, "colour")}
    _, errors = _parse(HEADER.encode("utf-16").decode("latin-1"))
    assert errors and errors[0].column in {"file", "credit_code"}
    layout = load_layout()
    _, errors = parse_source(layout.kinds["energy-monitoring"], layout, Units(), "f.csv", b"\xff\xfe\x00", TODAY)
    assert [(e.row, e.column) for e in errors] == [(0, "file")] and "UTF-8" in errors[0].reason


def test_a_file_the_csv_reader_cannot_read_is_refused_naming_the_line() -> None:
    huge = "9" * 200_000  # beyond the csv module's field limit
    _, errors = _parse(HEADER + f"{CEMENT},2024-01,electricity,5,MWh\n{CEMENT},2024-02,electricity,{huge},MWh\n")
    assert [(e.row, e.column) for e in errors] == [(3, "file")]
    _, errors = _parse("credit_code,period,item,amount,unit,note\n" + f"{CEMENT},2024-01,electricity,5,MWh,a\x00b\n")
    assert [(e.row, e.column, e.reason) for e in errors] == [(2, "note", "holds a NUL character")]

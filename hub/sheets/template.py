"""The import template: a workbook generated for one caller from ITS OWN products, the emission factors it
may read and the hub's code lists, with drop-downs for units, stages, boundaries, factors and products, and
an example row (whose `ref` is the layout's example_ref, so an upload skips it)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from hub.db.models import Organization, Product
from hub.queries.reader import Reader
from hub.queries.records import fetch
from hub.sheets.layout import Layout, Sheet, layout

CODES_SHEET = "代码 codes"
_VALIDATED_ROWS = 20_000  # rows a drop-down covers below the header


@dataclass(frozen=True)
class CodeLists:
    products: list[tuple[str, str]]  # (IRI, name)
    factors: list[tuple[str, str]]  # (IRI, "activity (unit)")
    units: Sequence[str]
    stages: Sequence[str]
    boundaries: Sequence[str]

    def column(self, kind: str) -> list[str]:
        return {
            "product": [iri for iri, _ in self.products],
            "factor": [iri for iri, _ in self.factors],
            "unit": list(self.units),
            "stage": list(self.stages),
            "boundary": list(self.boundaries),
        }.get(kind, [])


async def code_lists(reader: Reader, codes: Mapping[str, frozenset[str]]) -> CodeLists:
    """The caller's own products and the factors it may read, both through hub/queries under its policy."""
    own = select(Organization.id).where(Organization.iri == (reader.principal.org_iri or ""))
    products = await fetch(reader, "Product", Product.owner_id.in_(own.scalar_subquery()))
    factors = await fetch(reader, "EmissionFactor")
    return CodeLists(
        products=[(str(p["id"]), str(p.get("name", ""))) for p in products],
        factors=[(str(f["id"]), f"{f.get('activity_name', '')} ({f.get('unit', '')})") for f in factors],
        units=sorted(codes["unit"]),
        stages=sorted(codes["stage"]),
        boundaries=sorted(codes["boundary"]),
    )


def template_bytes(lists: CodeLists, shape: Layout | None = None) -> bytes:
    """The .xlsx file."""
    shape = shape or layout()
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has one sheet
    book.remove(first)
    ranges = _codes_sheet(book, lists)
    for sheet in shape.sheets.values():
        ws = book.create_sheet(f"{sheet.zh} {sheet.name}")
        _header(ws, sheet)
        _drop_downs(ws, sheet, ranges)
        ws.append([_example(sheet, column.key, lists, shape) for column in sheet.columns])
        for cell in ws[2]:
            cell.font = Font(italic=True, color="808080")
    book.move_sheet(CODES_SHEET, offset=len(shape.sheets))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _codes_sheet(book: Workbook, lists: CodeLists) -> dict[str, str]:
    """The code lists, one per column (names beside IRIs); the drop-downs refer to these ranges."""
    ws = book.create_sheet(CODES_SHEET)
    ranges: dict[str, str] = {}
    names = {"product": dict(lists.products), "factor": dict(lists.factors)}
    col = 1
    for kind in ("product", "factor", "unit", "stage", "boundary"):
        values = lists.column(kind)
        ws.cell(row=1, column=col, value=kind).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=col, value=value)
            if kind in names:
                ws.cell(row=row, column=col + 1, value=names[kind][value])
        letter = get_column_letter(col)
        ranges[kind] = f"'{CODES_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}"
        col += 2 if kind in names else 1
    return ranges


def _header(ws: Worksheet, sheet: Sheet) -> None:
    ws.append([column.header for column in sheet.columns])
    for i, column in enumerate(sheet.columns, start=1):
        ws.cell(row=1, column=i).font = Font(bold=column.required)
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(column.header) + 4)
    ws.freeze_panes = "A2"


def _drop_downs(ws: Worksheet, sheet: Sheet, ranges: Mapping[str, str]) -> None:
    for i, column in enumerate(sheet.columns, start=1):
        if column.type not in ranges:
            continue
        check = DataValidation(type="list", formula1=f"={ranges[column.type]}", allow_blank=not column.required)
        check.error = f"choose a value from the list ({column.type})"
        check.showErrorMessage = True
        letter = get_column_letter(i)
        check.add(f"{letter}2:{letter}{_VALIDATED_ROWS + 1}")
        ws.add_data_validation(check)


_EXAMPLE: dict[str, Any] = {
    "declared_unit": "kg",
    "declared_unit_amount": 1,
    "product_mass_kg_per_declared_unit": 1,
    "system_boundary": "cradle_to_gate",
    "reference_period_start": "2025-01-01",
    "reference_period_end": "2025-12-31",
    "geography_country": "CN",
    "ipcc_characterization_factors": "AR6",
    "accounting_standards": "GB/T 24067-2024",
    "fossil_carbon_content_kgc": 0,
    "exempted_emissions_percent": 0,
    "comment": "示例行：上传时忽略 / example row: skipped on upload",
    "stage": "production",
    "activity": "电力 electricity",
    "amount": 100,
    "unit": "kWh",
}


def _example(sheet: Sheet, key: str, lists: CodeLists, shape: Layout) -> Any:
    if key in ("ref", "footprint_ref"):
        return shape.example_ref
    if key == "product_iri":
        return lists.products[0][0] if lists.products else ""
    if key == "emission_factor_iri":
        return lists.factors[0][0] if lists.factors else ""
    return _EXAMPLE.get(key)

"""The import workbook's layout, read from layout.yaml: sheets, columns, cell types and limits."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

LAYOUT_FILE = Path(__file__).with_name("layout.yaml")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    type: str
    required: bool

    @property
    def header(self) -> str:
        """The header cell: Chinese first, then the input key a reader goes by."""
        return f"{self.zh} / {self.key}"


@dataclass(frozen=True)
class Sheet:
    name: str
    zh: str
    columns: tuple[Column, ...]

    @cached_property
    def required(self) -> tuple[str, ...]:
        """The keys of the columns every row must fill."""
        return tuple(c.key for c in self.columns if c.required)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_text: int
    max_unzipped: int
    max_columns: int


@dataclass(frozen=True)
class Layout:
    sheets: dict[str, Sheet]
    limits: Limits
    example_ref: str

    @property
    def footprints(self) -> Sheet:
        return self.sheets["footprints"]

    @property
    def inventory(self) -> Sheet:
        return self.sheets["inventory"]


@cache
def layout() -> Layout:
    """The layout file, read once: constant data of this installation, like the JSON Schemas."""
    raw = yaml.safe_load(LAYOUT_FILE.read_text(encoding="utf-8"))
    sheets = {
        name: Sheet(name, body["zh"], tuple(Column(**c) for c in body["columns"]))
        for name, body in raw["sheets"].items()
    }
    return Layout(sheets, Limits(**raw["limits"]), str(raw["example_ref"]))


def header_key(header: object) -> str:
    """The input key a header cell names: the part after the last " / " ("产品 / product_iri"), or all of it."""
    return str(header).rpartition(" / ")[2].strip()

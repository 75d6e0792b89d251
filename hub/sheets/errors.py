"""A problem with one cell of an uploaded sheet, and the refusal that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CellError:
    """Sheet, row (1-based, as a spreadsheet shows it), column (the input key, or the header text) and reason."""

    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"sheet {self.sheet}, row {self.row}, column {self.column}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


class SheetRefused(Exception):
    """The upload is refused as a whole; nothing was written."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


class FileRefused(Exception):
    """The body is not a file this hub reads (too large, not .xlsx or UTF-8 CSV, damaged)."""

"""A problem with one cell of a source file, and the refusal that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowError:
    """File, row (1-based as an editor shows it: the header is row 1; 0 for the file as a whole), column and
    reason."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"file {self.file}, row {self.row}, column {self.column}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


class SourceRefused(Exception):
    """The file is refused as a whole; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors

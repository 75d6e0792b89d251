"""Errors of the mapping engine: a mapping file that cannot load, and a record value that cannot map."""

from __future__ import annotations


class MappingFileError(ValueError):
    """A mapping file is refused at load time; names the file, the line (and column, where known) and the reason."""

    def __init__(self, file: str, line: int | None, reason: str, column: int | None = None) -> None:
        self.file, self.line, self.reason, self.column = file, line, reason, column
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")


class MapFailure(Exception):
    """A value of one record cannot be mapped (raised by a transform, caught per rule by the engine)."""

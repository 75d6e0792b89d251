"""Issues: what every stage (load, parse, check, compile) returns instead of raising on a user's mistake."""

from __future__ import annotations

from dataclasses import dataclass, field

EXCERPT = 200  # characters of a value that a message quotes at most


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """`text`, or its first `limit` characters and how long it was: a message never echoes a whole value
    (a value can be 256 kB of YAML, and an answer quoting it for each of many problems would be megabytes)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def schema_message(message: str, instance: object) -> str:
    """A JSON Schema error message (which quotes the offending value whole) with the value cut to an excerpt."""
    shown = repr(instance)
    if len(shown) > EXCERPT and shown in message:
        message = message.replace(shown, excerpt(shown), 1)
    return excerpt(message, 3 * EXCERPT)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a rule set, the vocabulary or an expression, with where it is."""

    file: str
    line: int
    column: int
    code: str  # short machine-readable kind, e.g. "unknown-field", "type-error", "overlap"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Position:
    """Where a YAML value or an expression starts: file, 1-based line and column."""

    file: str = "<string>"
    line: int = 1
    column: int = 1

    def issue(self, code: str, message: str) -> Issue:
        return Issue(self.file, self.line, self.column, code, message)

    def shift(self, line: int, column: int) -> Position:
        """The position of (line, column) of an expression that starts at this position."""
        if line == 1:
            return Position(self.file, self.line, self.column + column - 1)
        return Position(self.file, self.line + line - 1, column)


@dataclass
class LoadError(Exception):
    """Raised at the end of loading when any stage reported an issue; carries them all."""

    issues: list[Issue] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{len(self.issues)} problem(s) in the rule sets:"]
        lines += [f"  {issue}" for issue in self.issues]
        return "\n".join(lines)

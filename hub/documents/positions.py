"""Engine issues as input errors: each names the field (`$.content` or `$.tests`), the line, column and reason."""

from __future__ import annotations

from pathlib import Path

from hub.validation import FieldError
from rules_engine import Issue, default_rulesets_dir

CONTENT_FILE = "<content>"  # the file name the engines see for a draft's YAML text
TESTS_FILE = "<tests>"


def issue_error(issue: Issue) -> FieldError:
    """An engine issue as a FieldError; an issue in another file (a shipped rule set the draft breaks) names it."""
    where = f"line {issue.line}, column {issue.column}: {issue.message}"
    if issue.file == CONTENT_FILE:
        return FieldError("$.content", where)
    if issue.file == TESTS_FILE:
        return FieldError("$.tests", where)
    return FieldError("$.content", f"breaks {_shown(issue.file)}, {where}")


def _shown(file: str) -> str:
    """A shipped file relative to the repository (`rulesets/...`): the server's own paths are not told."""
    try:
        return str(Path(file).resolve().relative_to(default_rulesets_dir().resolve().parent))
    except ValueError:
        return Path(file).name if Path(file).is_absolute() else file


def line_error(field: str, line: int | None, reason: str) -> FieldError:
    """An error of an engine that knows the line only (the mapping engine)."""
    return FieldError(field, f"line {line}: {reason}" if line else reason)

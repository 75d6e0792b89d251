"""Engine issues as input errors: each names the field (`$.content` or `$.tests`), the line, column and reason."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from hub.validation import FieldError
from rules_engine import Issue
from rules_engine.issues import excerpt

CONTENT_FILE = "<content>"  # the file name the engines see for a draft's YAML text
TESTS_FILE = "<tests>"


MAX_REASON = 1000  # characters of one reason; engines quote values as excerpts, this bounds the rest
MAX_ERRORS = 50  # errors told for one document: the first ones, then how many more there are


def issue_errors(issues: Iterable[Issue], rulesets_dir: Path) -> list[FieldError]:
    """Engine issues as FieldErrors, at most MAX_ERRORS of them (then one saying how many more there are).
    A shipped file is named relative to the parent of the hub's `rulesets_dir`."""
    errors = [issue_error(i, rulesets_dir) for i in issues]
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], FieldError(errors[MAX_ERRORS].path, f"and {more} more problems")]


def issue_error(issue: Issue, rulesets_dir: Path) -> FieldError:
    """An engine issue as a FieldError; an issue in another file (a shipped rule set the draft breaks) names it."""
    message = _without_server_paths(issue.message, rulesets_dir)
    where = f"line {issue.line}, column {issue.column}: {excerpt(message, MAX_REASON)}"
    if issue.file == CONTENT_FILE:
        return FieldError("$.content", where)
    if issue.file == TESTS_FILE:
        return FieldError("$.tests", where)
    return FieldError("$.content", f"breaks {_shown(issue.file, rulesets_dir)}, {where}")


def _shown(file: str, rulesets_dir: Path) -> str:
    """A shipped file relative to the repository (`rulesets/...`): the server's own paths are not told."""
    try:
        return str(Path(file).resolve().relative_to(rulesets_dir.resolve().parent))
    except ValueError:
        return Path(file).name if Path(file).is_absolute() else file


def _without_server_paths(message: str, rulesets_dir: Path) -> str:
    """`message` with the server's folder of shipped rule sets cut from any path it quotes (an engine names
    the other file of a clash by its full path)."""
    stem = str(rulesets_dir.resolve().parent)
    return message.replace(stem + "/", "").replace(stem, "")


def line_error(field: str, line: int | None, reason: str, column: int | None = None) -> FieldError:
    """An error of an engine that mostly knows the line only (the mapping engine)."""
    reason = excerpt(reason, MAX_REASON)
    if line and column:
        return FieldError(field, f"line {line}, column {column}: {reason}")
    return FieldError(field, f"line {line}: {reason}" if line else reason)

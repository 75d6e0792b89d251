"""What mapping one record gives: the output, and what was lost, approximated or failed, field by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Issue = tuple[str, str]  # (field path, reason)


@dataclass(slots=True)
class MappingResult:
    output: dict[str, Any]
    lost: list[Issue] = field(default_factory=list)  # source fields that did not reach the output
    approximated: list[Issue] = field(default_factory=list)  # target fields that are not exact
    errors: list[Issue] = field(default_factory=list)  # rules that failed for this record

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        def issues(items: list[Issue]) -> list[dict[str, str]]:
            return [{"field": f, "reason": r} for f, r in items]

        return {
            "output": self.output,
            "lost": issues(self.lost),
            "approximated": issues(self.approximated),
            "errors": issues(self.errors),
        }

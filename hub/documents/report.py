"""The result of running a draft's own test cases, as stored on the document version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Failure:
    case: str
    problems: list[str]


@dataclass
class TestReport:
    passed: int = 0
    failures: list[Failure] = field(default_factory=list)

    __test__ = False  # not a pytest class

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def all_passed(self) -> bool:
        return self.passed > 0 and not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "failures": [{"case": f.case, "problems": f.problems} for f in self.failures],
        }

"""Document versions: rule sets and mappings drafted through the API, tested, published and retired.

The files under `rulesets/` and `mappings/` are reviewed like code; a standards team's draft made through
the API is a document version in the database, which moves draft -> tested -> published -> retired.
"""

from __future__ import annotations

import re
from enum import StrEnum


class DocumentKind(StrEnum):
    RULESET = "ruleset"
    MAPPING = "mapping"


class DocumentStatus(StrEnum):
    DRAFT = "draft"  # stored, checked by the engine, its own test cases not (all) passing yet
    TESTED = "tested"  # every one of its test cases passed on the last run
    PUBLISHED = "published"  # in force: the hub's registry and catalog include it
    RETIRED = "retired"  # replaced by a later published version of the same document


_VERSION = re.compile(r"^\d+(\.\d+)*$")


def version_key(version: str) -> tuple[int, ...] | None:
    """A version as numbers to compare ("2025.1" -> (2025, 1)); None when it is not dotted numbers."""
    return tuple(int(part) for part in version.split(".")) if _VERSION.match(version) else None

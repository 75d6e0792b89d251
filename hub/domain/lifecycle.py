"""The life of a footprint: which status may follow which, and the arithmetic a footprint must obey."""

from __future__ import annotations

import math
from collections.abc import Iterable

from hub.domain.codes import FootprintStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.DRAFT, S.WITHDRAWN}),  # a rejected footprint goes back to draft
    S.VERIFIED: frozenset({S.PUBLISHED, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}

# Parts may differ from their whole by rounding: 0.1 % of the whole, or one microgram CO2e.
RELATIVE_TOLERANCE = 1e-3
ABSOLUTE_TOLERANCE = 1e-9


def can_move(current: S, new: S) -> bool:
    return new in TRANSITIONS[current]


def refusal(current: S, expected: S, new: S) -> str:
    """Why a footprint cannot go to `new`: it is `current`, where the caller took it to be `expected` (the two
    differ when another caller moved it first). The reason starts with the status it has now."""
    now = " now" if current is not expected else ""
    return f"is {current.value}{now}; cannot go from {expected.value} to {new.value}"


def adds_up(parts: Iterable[float], whole: float) -> bool:
    return math.isclose(math.fsum(parts), whole, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)

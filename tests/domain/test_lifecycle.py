"""The footprint life cycle, pinned: every (from, to) pair, allowed or not, and the rounding a footprint's
parts may show against its whole. A widened transition fails here until this table changes on purpose."""

from __future__ import annotations

import pytest

from hub.domain.codes import FootprintStatus as S
from hub.domain.lifecycle import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, adds_up, can_move

ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.VERIFIED),
    (S.SUBMITTED, S.DRAFT),  # rejected by the verifier
    (S.SUBMITTED, S.WITHDRAWN),
    (S.VERIFIED, S.PUBLISHED),
    (S.VERIFIED, S.WITHDRAWN),
    (S.PUBLISHED, S.WITHDRAWN),
}
PAIRS = [(a, b) for a in S for b in S]


@pytest.mark.parametrize(("current", "new"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_every_transition_is_pinned(current: S, new: S) -> None:
    assert can_move(current, new) is ((current, new) in ALLOWED)


def test_withdrawn_is_final_and_nothing_skips_verification() -> None:
    assert not any(can_move(S.WITHDRAWN, s) for s in S)
    assert not can_move(S.DRAFT, S.VERIFIED) and not can_move(S.DRAFT, S.PUBLISHED)
    assert not can_move(S.SUBMITTED, S.PUBLISHED)


def test_the_tolerances() -> None:
    assert (RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE) == (1e-3, 1e-9)


@pytest.mark.parametrize(
    ("parts", "whole", "ok"),
    [
        ([60.0, 40.0], 100.0, True),
        ([60.0, 40.09], 100.0, True),  # 0.09 % off: rounding
        ([60.0, 40.11], 100.0, False),  # 0.11 % off
        ([60.0, 39.89], 100.0, False),
        ([0.1] * 10, 1.0, True),  # summed exactly (fsum), not with float drift
        ([], 0.0, True),
        ([0.0, 5e-10], 0.0, True),  # within a microgram of nothing
        ([0.0, 2e-9], 0.0, False),
        ([1e16, 1.0, -1e16], 1.0, True),  # fsum keeps the 1.0 that naive addition loses
    ],
)
def test_parts_add_up_to_the_whole_within_rounding(parts: list[float], whole: float, ok: bool) -> None:
    assert adds_up(parts, whole) is ok

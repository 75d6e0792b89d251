"""The outlier fact: a footprint's robust z-score among its category's published peers (median and MAD, numpy),
under the minimum-group rule: with too few peers, or too few enterprises behind them, there is no score (the rule
is then not applicable, never a pass), so a statistic never stands for one or two enterprises' data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hub.policy.model import MinimumGroup

# 0.6745 is the 0.75 quantile of the standard normal: it scales the MAD to a standard deviation for normal data
# (Iglewicz and Hoaglin 1993, the modified z-score).
MAD_SCALE = 0.6745


@dataclass(frozen=True)
class Normalised:
    id: int
    owner_id: int
    group: tuple[str, str]  # category, the category's declared unit
    total: float  # kgCO2e per one of that unit


def robust_z(subject: Normalised, peers: Sequence[Normalised], group: MinimumGroup) -> dict[str, float | int]:
    """`peer_count` (the others of the subject's group), and `intensity_robust_z` when the group is big enough
    and spread (MAD above 0). The subject is left out of its own distribution."""
    others = [p for p in peers if p.group == subject.group and p.id != subject.id]
    facts: dict[str, float | int] = {"peer_count": len(others)}
    if len(others) < group.footprints or len({p.owner_id for p in others}) < group.enterprises:
        return facts
    totals = np.fromiter((p.total for p in others), float, len(others))
    median = float(np.median(totals))
    mad = float(np.median(np.abs(totals - median)))
    if mad > 0:
        facts["intensity_robust_z"] = MAD_SCALE * (subject.total - median) / mad
    return facts

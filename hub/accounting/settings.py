"""The accounting settings of `accounting.yaml`: known GWP sets, tolerances, Monte Carlo draws and seed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path(__file__).resolve().parent / "accounting.yaml"


@dataclass(frozen=True)
class AccountingSettings:
    gwp_sets: tuple[str, ...]
    stages_allowing_negative: frozenset[str]
    relative_tolerance: float
    absolute_tolerance: float
    draws: int
    seed: int
    spread95_by_rating: dict[int, float]

    def agrees(self, stated: float, computed: float) -> bool:
        return math.isclose(stated, computed, rel_tol=self.relative_tolerance, abs_tol=self.absolute_tolerance)

    def sigma(self, uncertainty_percent: float | None, rating: float | None) -> float:
        """The lognormal sigma of a value whose 95 % interval is given as a percentage or a pedigree rating."""
        if uncertainty_percent is not None:
            return math.log1p(uncertainty_percent / 100.0) / 1.96
        worst = max(self.spread95_by_rating)
        score = worst if rating is None else min(max(round(rating), min(self.spread95_by_rating)), worst)
        return math.log(self.spread95_by_rating[score]) / 1.96


def load_settings(path: Path = SETTINGS_FILE) -> AccountingSettings:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    mc = data["monte_carlo"]
    return AccountingSettings(
        gwp_sets=tuple(data["gwp_sets"]),
        stages_allowing_negative=frozenset(data["stages_allowing_negative"]),
        relative_tolerance=float(data["tolerance"]["relative"]),
        absolute_tolerance=float(data["tolerance"]["absolute"]),
        draws=int(mc["draws"]),
        seed=int(mc["seed"]),
        spread95_by_rating={int(k): float(v) for k, v in mc["spread95_by_rating"].items()},
    )

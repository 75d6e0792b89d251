"""The pedigree matrix (rulesets/quality/pedigree.yaml) and the DQR computed from it.

Each inventory line gets five scores (reliability, completeness, temporal, geographical, technological correlation),
each 1 (best) .. 5 (worst), from what the hub knows of the line; the footprint's computed DQR is the mean of a
line's scores weighted by its share of the total. Scores are checked before they are used: a NaN, an infinity or a
number outside 1..5 is refused with the field that holds it, never averaged into a rating.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub.resources import data_dir
from hub.validation import FieldError, InvalidInput

INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")


@dataclass(frozen=True)
class LineSource:
    """What the matrix reads of one inventory line: its factor's (or supplier footprint's) year and region, and
    whether it is a supplier footprint, verified, illustrative or an estimate."""

    kgco2e: float
    year: int | None
    region: str | None
    supplier: bool = False
    verified: bool = False
    illustrative: bool = False
    estimate: bool = False


@dataclass(frozen=True)
class Matrix:
    data: Mapping[str, Any]

    def score(self, indicator: str, key: str) -> Any:
        return self.data["indicators"][indicator]["scores"][key]["score"]

    def temporal(self, years: int) -> Any:
        spec = self.data["indicators"]["temporal"]
        return next((band["score"] for band in spec["bands"] if years < band["below"]), spec["otherwise"])


def matrix_path() -> Path:
    return data_dir("rulesets") / "quality" / "pedigree.yaml"


@cache
def shipped_matrix() -> Matrix:
    """The installation's matrix: constant data, read once and checked (every score a number in 1..5)."""
    data = yaml.safe_load(matrix_path().read_text(encoding="utf-8"))
    errors = matrix_errors(data)
    if errors:
        raise InvalidInput(errors)
    return Matrix(data)


def matrix_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Every score of the matrix that is not a number in 1..5, by its path in the file."""
    errors: list[FieldError] = []
    indicators = data.get("indicators") or {}
    for name in INDICATORS:
        spec = indicators.get(name)
        if not isinstance(spec, Mapping):
            errors.append(FieldError(f"$.indicators.{name}", "is missing"))
            continue
        for key, entry in (spec.get("scores") or {}).items():
            errors += score_errors(
                entry.get("score") if isinstance(entry, Mapping) else entry, f"$.indicators.{name}.scores.{key}.score"
            )
        for i, band in enumerate(spec.get("bands") or []):
            errors += score_errors(band.get("score"), f"$.indicators.{name}.bands[{i}].score")
        if "otherwise" in spec:
            errors += score_errors(spec["otherwise"], f"$.indicators.{name}.otherwise")
    return errors


def score_errors(value: Any, path: str) -> list[FieldError]:
    """Why `value` is not a pedigree score (a finite number from 1 to 5), or nothing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [FieldError(path, f"must be a number from 1 to 5, not {type(value).__name__}")]
    if not math.isfinite(value):
        return [FieldError(path, f"must be a finite number from 1 to 5, not {value}")]
    if not 1 <= value <= 5:
        return [FieldError(path, f"must be from 1 to 5, not {value:g}"[:120])]
    return []


def line_scores(
    matrix: Matrix, line: LineSource, reference_year: int, subdivision: str | None, country: str
) -> dict[str, Any]:
    """The five scores of one line."""
    if line.supplier:
        reliability = "supplier_verified" if line.verified else "supplier_unverified"
    else:
        reliability = (
            "factor_estimate" if line.estimate else "factor_illustrative" if line.illustrative else "factor_published"
        )
    return {
        "reliability": matrix.score("reliability", reliability),
        "completeness": matrix.score("completeness", "supplier" if line.supplier else "factor"),
        "temporal": _temporal(matrix, line, reference_year),
        "geographical": matrix.score("geographical", _geography(line.region, subdivision, country)),
        "technological": matrix.score(
            "technological", "supplier" if line.supplier else "factor_estimate" if line.estimate else "factor"
        ),
    }


def _temporal(matrix: Matrix, line: LineSource, reference_year: int) -> Any:
    return matrix.temporal(abs(reference_year - line.year) if line.year is not None else 99)


def _geography(region: str | None, subdivision: str | None, country: str) -> str:
    if not region:
        return "unknown"
    if subdivision and region == subdivision:
        return "same_subdivision"
    if region == country or region.startswith(f"{country}-"):
        return "same_country"
    return "global" if region in ("GLO", "RoW", "WORLD") else "other"


def weighted_dqr(lines: Sequence[Mapping[str, Any]]) -> float | None:
    """The mean of each line's five scores, weighted by |kgco2e|; None without any emissions to weigh.

    `lines` are `{"kgco2e": float, "scores": {indicator: score}}`; every score and weight is checked first, and
    `InvalidInput` names each bad one (`$.inventory[2].pedigree.temporal`)."""
    errors: list[FieldError] = []
    for i, line in enumerate(lines):
        weight = line.get("kgco2e")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
            errors.append(FieldError(f"$.inventory[{i}].kgco2e", "must be a finite number"))
        scores = line.get("scores")
        if not isinstance(scores, Mapping):
            errors.append(FieldError(f"$.inventory[{i}].pedigree", "must give the five indicator scores"))
            continue
        for name in INDICATORS:
            errors += score_errors(scores.get(name), f"$.inventory[{i}].pedigree.{name}")
    if errors:
        raise InvalidInput(errors)
    total = math.fsum(abs(line["kgco2e"]) for line in lines)
    if total == 0:
        return None
    mean = math.fsum(abs(line["kgco2e"]) * math.fsum(line["scores"][n] for n in INDICATORS) / 5 for line in lines)
    return mean / total

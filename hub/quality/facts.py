"""The `quality.*` facts of one footprint (rulesets/facts.yaml), computed from its inventory, its previous
version, its category's peers and the pedigree matrix. A fact the data cannot give is left out, never invented:
the rule that needs it is then not applicable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub.accounting.normalise import per_category_unit
from hub.policy.model import MinimumGroup
from hub.quality.energy import EnergyWords, energy_facts
from hub.quality.inputs import Peer, Subject
from hub.quality.pedigree import LineSource, Matrix, line_scores, weighted_dqr
from hub.quality.peers import Normalised, robust_z
from hub.units import Units


def normalised(units: Units, row: Subject | Peer) -> Normalised:
    """A footprint's total per one of its category's declared unit, as grades and benchmarks compare it."""
    total, unit = per_category_unit(units, row.category, row.declared_unit, row.declared_unit_amount, row.total_kgco2e)
    return Normalised(row.id, row.owner_id, (row.category, unit), total)


def quality_facts(
    subject: Subject,
    previous: Subject | None,
    peers: Sequence[Normalised],
    units: Units,
    matrix: Matrix,
    words: EnergyWords,
    group: MinimumGroup,
    stated_dqr: float | None,
) -> dict[str, Any]:
    """Every `quality.*` fact of `subject` that its data gives (without the `quality.` prefix)."""
    facts: dict[str, Any] = dict(robust_z(normalised(units, subject), peers, group))
    if subject.lines:
        facts |= energy_facts(units, words, subject.lines, subject.declared_unit_amount)
        facts |= _mass(units, subject)
        dqr = computed_dqr(matrix, subject)
        if dqr is not None:
            facts["dqr_computed"] = dqr
            if stated_dqr is not None:
                facts["dqr_stated_gap"] = dqr - stated_dqr
    if previous is not None:
        facts |= _change(units, subject, previous)
    return facts


def _mass(units: Units, subject: Subject) -> dict[str, float]:
    """Material inputs per kg of product, where every raw-material line is in a mass unit."""
    materials = [line for line in subject.lines if line.stage == "raw_material_acquisition"]
    if not materials or not subject.product_mass_kg or any(units.dimension_of.get(m.unit) != "mass" for m in materials):
        return {}
    kg = sum(units.convert(m.amount, m.unit, "kg") for m in materials) / subject.declared_unit_amount
    return {"mass_input_ratio": kg / subject.product_mass_kg}


def _change(units: Units, subject: Subject, previous: Subject) -> dict[str, Any]:
    now, before = normalised(units, subject), normalised(units, previous)
    stated = bool(subject.comment and subject.comment.strip() and subject.comment != previous.comment)
    facts: dict[str, Any] = {"change_reason_stated": stated}
    if now.group == before.group and before.total != 0:
        facts["previous_change_percent"] = 100.0 * (now.total - before.total) / abs(before.total)
    return facts


def computed_dqr(matrix: Matrix, subject: Subject) -> float | None:
    """The footprint's DQR: each line's five scores, weighted by its share. A line's scores are the ones the
    enterprise stated for it (`pedigree` on the line), else the pedigree matrix's; either is checked before use."""
    year = subject.reference_end.year
    lines: list[Mapping[str, Any]] = [
        {
            "kgco2e": line.kgco2e,
            "scores": line.stated
            if line.stated is not None
            else line_scores(
                matrix,
                LineSource(
                    kgco2e=line.kgco2e,
                    year=line.year,
                    region=line.region,
                    supplier=line.supplier,
                    verified=line.verified,
                    illustrative=line.illustrative,
                    estimate="estimate" in (line.activity or "").casefold(),
                ),
                year,
                subject.subdivision,
                subject.country,
            ),
        }
        for line in subject.lines
    ]
    return weighted_dqr(lines)

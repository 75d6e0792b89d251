"""From one footprint's inventory to its figures, and the stated figures checked against them.

A footprint may state its line, stage and total figures (they are then checked: any that disagrees with the
hub's arithmetic is refused, naming the line or field and both figures) or leave them out (the hub fills them
in). Pure functions over dicts: the service (hub/services/accounting.py) loads the sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hub.accounting.montecarlo import Spread
from hub.accounting.settings import AccountingSettings
from hub.accounting.table import PARTS, STAGES, Accounts, LineTable, account
from hub.units import UnitMismatch, Units
from hub.validation import FieldError

_GWP_SET = re.compile(r"\b(AR[0-9]+)\b")


@dataclass(frozen=True)
class Source:
    """What one unit of a line's source emits: an emission factor, or a supplier's footprint per declared unit."""

    iri: str
    noun: str  # "factor" or "supplier footprint", for messages
    unit: str
    per_unit: tuple[float, float, float]  # kgCO2e per unit, by part (PARTS)
    sigma: float  # lognormal sigma of the per-unit value
    gwp_set: str | None  # the IPCC assessment report its figures are characterised with, when known

    @property
    def value(self) -> float:
        return sum(self.per_unit)


def gwp_set_of(basis: str) -> str | None:
    """ "IPCC AR6 GWP100" -> "AR6"."""
    found = _GWP_SET.search(basis)
    return found.group(1) if found else None


def source_field(line: Mapping[str, Any]) -> str:
    return "emission_factor_iri" if "emission_factor_iri" in line else "supplier_footprint_iri"


@dataclass(frozen=True)
class Computed:
    """One footprint's figures as the hub computes them."""

    accounts: Accounts
    spread: Spread  # per distinct source and per line
    sources: tuple[Source, ...]  # per line
    used_stages: frozenset[int]  # indexes into STAGES of the stages that have lines

    @property
    def sigma(self) -> np.ndarray:
        """Each line's own lognormal sigma, source and amount together."""
        return self.spread.combined

    @property
    def lines(self) -> list[float]:
        return [stored(v) for v in self.accounts.lines]

    def stages(self) -> dict[str, float]:
        """The stages that have lines, in life-cycle order."""
        return {name: stored(self.accounts.stages[0, i]) for i, name in enumerate(STAGES) if i in self.used_stages}

    def part(self, name: str) -> float:
        return stored(self.accounts.parts[0, PARTS.index(name)])

    @property
    def total(self) -> float:
        return stored(self.accounts.totals[0])


def stored(value: Any) -> float:
    """A computed figure as the hub stores it: 12 significant digits. Binary sums leave noise in the last
    digits (105.73785600000001 for 105.737856); stored as is, it would reach PACT and Catena-X as a decimal
    string that claims a precision no inventory has (issue 12 item 4)."""
    return float(f"{float(value):.12g}")


def compute(
    lines: Sequence[Mapping[str, Any]], sources: Mapping[str, Source], units: Units
) -> tuple[Computed | None, list[FieldError]]:
    """Account one footprint's lines; a line whose unit does not fit its source's unit is refused by name."""
    errors: list[FieldError] = []
    conversion, chosen = [], []
    for i, line in enumerate(lines):
        source = sources[line[source_field(line)]]
        chosen.append(source)
        try:
            conversion.append(units.factor(line["unit"], source.unit))
        except UnitMismatch as exc:
            errors.append(
                FieldError(
                    f"$.inventory[{i}].unit",
                    f"{line['unit']} cannot be converted to {source.unit}, the unit of {source.noun} {source.iri} "
                    f"(kgCO2e per {source.unit}); units that fit: {', '.join(exc.fitting)}",
                )
            )
            conversion.append(0.0)
    if errors:
        return None, errors
    table = LineTable(
        footprint=np.zeros(len(lines), dtype=np.int64),
        stage=np.array([STAGES.index(line["stage"]) for line in lines], dtype=np.int64),
        amount=np.array([float(line["amount"]) for line in lines], dtype=np.float64),
        conversion=np.array(conversion, dtype=np.float64),
        per_unit=np.array([s.per_unit for s in chosen], dtype=np.float64).reshape(len(lines), len(PARTS)),
        footprints=1,
    )
    spread = _spread(lines, chosen)
    accounts = account(table)
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(accounts.lines) & np.isfinite(accounts.totals[0])
    if not finite.all():
        return None, [
            FieldError(f"$.inventory[{i}].amount", "gives an emission beyond the range of a double")
            for i in np.flatnonzero(~finite).tolist()
        ]
    used = frozenset(table.stage.tolist())
    return Computed(accounts=accounts, spread=spread, sources=tuple(chosen), used_stages=used), []


def _spread(lines: Sequence[Mapping[str, Any]], chosen: Sequence[Source]) -> Spread:
    """One sigma per distinct source (lines citing one factor share its draws) and one per line's amount."""
    index: dict[str, int] = {}
    for source in chosen:
        index.setdefault(source.iri, len(index))
    by_iri = {source.iri: source for source in chosen}
    return Spread(
        source=np.array([index[source.iri] for source in chosen], dtype=np.int64),
        source_sigma=np.array([by_iri[iri].sigma for iri in index], dtype=np.float64),
        line_sigma=np.array(
            [np.log1p(float(line.get("uncertainty_percent") or 0.0) / 100.0) / 1.96 for line in lines],
            dtype=np.float64,
        ),
    )


def gwp_problems(data: Mapping[str, Any], settings: AccountingSettings) -> list[FieldError]:
    """GWP sets the hub does not know (the schema only says "AR" and digits)."""
    sets = data.get("ipcc_characterization_factors")
    if not isinstance(sets, list):
        return []
    known = ", ".join(settings.gwp_sets)
    return [
        FieldError(f"$.ipcc_characterization_factors[{i}]", f"{name} is not a known GWP set; known: {known}")
        for i, name in enumerate(sets)
        if isinstance(name, str) and name not in settings.gwp_sets
    ]


def negative_stage_problems(data: Mapping[str, Any], settings: AccountingSettings) -> list[FieldError]:
    stages = data.get("stages")
    if not isinstance(stages, list):
        return []
    return [
        FieldError(
            f"$.stages[{i}].kgco2e",
            f"is negative ({s['kgco2e']:g}); {s['stage']} cannot have net removals: "
            "declare removals in biogenic_uptake_kgco2e",
        )
        for i, s in enumerate(stages)
        if isinstance(s, Mapping)
        and isinstance(s.get("kgco2e"), int | float)
        and s["kgco2e"] < 0
        and s.get("stage") not in settings.stages_allowing_negative
    ]


def source_gwp_problems(
    lines: Sequence[Mapping[str, Any]], sources: Mapping[str, Source], declared: Sequence[str]
) -> list[FieldError]:
    """A factor characterised with another GWP set than the footprint declares would mix two CO2e scales."""
    found = []
    for i, line in enumerate(lines):
        field = source_field(line)
        source = sources[line[field]]
        if source.gwp_set is not None and source.gwp_set not in declared:
            found.append(
                FieldError(
                    f"$.inventory[{i}].{field}",
                    f"{source.noun} {source.iri} is characterised with {source.gwp_set}, but the footprint declares "
                    f"ipcc_characterization_factors {', '.join(declared)}",
                )
            )
    return found


def reconcile(
    data: Mapping[str, Any], computed: Computed, units: Units, settings: AccountingSettings
) -> tuple[dict[str, Any], list[FieldError]]:
    """`data` with the hub's figures in place of the stated ones, and every stated figure that disagrees."""
    errors: list[FieldError] = []
    lines = []
    for i, (line, value, source) in enumerate(zip(data["inventory"], computed.lines, computed.sources, strict=True)):
        stated = line.get("kgco2e")
        if stated is not None and not settings.agrees(stated, value):
            errors.append(
                FieldError(f"$.inventory[{i}].kgco2e", f"states {stated:g} kgCO2e, but {_sum(line, source, units)}")
            )
        lines.append({**line, "kgco2e": value})
    stages = computed.stages()
    errors.extend(_stage_problems(data.get("stages"), stages, settings))
    uptake = data.get("biogenic_uptake_kgco2e") or 0.0
    figures = {
        "total_kgco2e": computed.total,
        "fossil_kgco2e": computed.part("fossil"),
        "biogenic_kgco2e": computed.part("biogenic"),
        "land_use_change_kgco2e": computed.part("land_use_change"),
        "total_including_biogenic_uptake_kgco2e": stored(computed.total + uptake),
    }
    for name, value in figures.items():
        stated = data.get(name)
        if isinstance(stated, int | float) and not settings.agrees(stated, value):
            errors.append(FieldError(f"$.{name}", f"states {stated:g} kgCO2e, but the inventory gives {value:g}"))
    out = {**data, **figures, "inventory": lines}
    out["stages"] = [{"stage": name, "kgco2e": value} for name, value in stages.items()]
    return out, errors


def _sum(line: Mapping[str, Any], source: Source, units: Units) -> str:
    amount, unit = float(line["amount"]), line["unit"]
    used = f"{amount:g} {unit}"
    if unit != source.unit:
        used += f" = {units.convert(amount, unit, source.unit):g} {source.unit}"
    value = units.convert(amount, unit, source.unit) * source.value
    return f"{used} x {source.value:g} kgCO2e per {source.unit} ({source.noun} {source.iri}) is {value:g} kgCO2e"


def _stage_problems(stated: Any, computed: Mapping[str, float], settings: AccountingSettings) -> list[FieldError]:
    if not isinstance(stated, list):
        return []
    found = []
    named = set()
    for i, entry in enumerate(stated):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("kgco2e"), int | float):
            continue
        named.add(entry.get("stage"))
        value = computed.get(str(entry.get("stage")), 0.0)
        if not settings.agrees(entry["kgco2e"], value):
            found.append(
                FieldError(
                    f"$.stages[{i}].kgco2e",
                    f"states {entry['kgco2e']:g} kgCO2e, but the {entry.get('stage')} lines add up to {value:g}",
                )
            )
    for name, value in computed.items():
        if name not in named:
            found.append(FieldError("$.stages", f"has no {name}, whose lines add up to {value:g} kgCO2e"))
    return found

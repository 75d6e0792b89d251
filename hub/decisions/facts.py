"""The facts the rules engine reads about one footprint (`fp.*`) and its category benchmark (`benchmark.*`).

Built from the footprint's ZJ document (hub/exchange/documents.py), so that a decision reads exactly what the
hub would export; the fact names and types are declared in rulesets/facts.yaml. A fact the footprint does not
have is left out rather than invented: the engine then reports it as a missing input.
"""

from __future__ import annotations

import calendar
from datetime import date
from statistics import fmean
from typing import Any

# PACT v3: a footprint stays valid for three years after its reference period ends, unless its own
# validity period says otherwise (see ../shared/reference/facts/README.md).
DEFAULT_VALIDITY_YEARS = 3
VERIFIED_STATUSES = {"verified", "published"}

BenchmarkKey = tuple[str, str, int]
QUALITY_FACTS = (
    "status",
    "failed",
    "peer_count",
    "intensity_robust_z",
    "mass_input_ratio",
    "electricity_kwh_per_unit",
    "fuel_mj_per_unit",
    "production_kgco2e_per_unit",
    "electricity_kgco2e_per_kwh",
    "previous_change_percent",
    "change_reason_stated",
    "dqr_computed",
    "dqr_stated_gap",
)
SOURCE_FACTS = ("electricity_kwh_per_unit", "fuel_mj_per_unit", "emissions_kgco2e_per_unit")

# The footprint fields each fact is derived from (one declaration; tests/security/test_trace_fields.py checks
# that it names every fact of rulesets/facts.yaml and only fields of the record catalog). A caller who may not
# read every one of a fact's fields on the footprint does not see the fact's value in a decision's trace.
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "fp.total_kgco2e": ("total_kgco2e",),
    "fp.declared_unit": ("declared_unit",),
    "fp.kgco2e_per_kwh_lifetime_energy": ("total_kgco2e", "battery_lifetime_energy_kwh"),
    "fp.category_code": ("product",),
    "fp.industry_code": ("product",),
    "fp.system_boundary": ("system_boundary",),
    "fp.accounting_standards": ("accounting_standards",),
    "fp.primary_data_share": ("primary_data_share_percent",),
    "fp.dqr": ("dqr_technological", "dqr_geographical", "dqr_temporal"),
    "fp.dqr_worst": ("dqr_technological", "dqr_geographical", "dqr_temporal"),
    "fp.dqr_technological": ("dqr_technological",),
    "fp.dqr_geographical": ("dqr_geographical",),
    "fp.dqr_temporal": ("dqr_temporal",),
    "fp.verified": ("status", "verifier"),
    "fp.verifier_accredited": ("verifier",),
    "fp.reference_year": ("reference_period_end",),
    "fp.age_years": ("reference_period_end",),
    "fp.within_validity": ("validity_start", "validity_end", "reference_period_end"),
    "fp.exempted_emissions_percent": ("exempted_emissions_percent",),
    "fp.product_rules": ("product_rules",),
    "fp.geography_subdivision": ("geography_subdivision",),
    "fp.status": ("status",),
    # data quality (hub/quality): computed from the inventory and others' data, so shown only to the readers of
    # the footprint's quality (its owner, verifier and the regulator)
    **{f"quality.{name}": ("quality",) for name in QUALITY_FACTS},
    **{f"source.{name}": ("quality",) for name in SOURCE_FACTS},
}
# Facts that are statistics over the published footprints of the footprint's group (category, declared unit,
# reference year), not fields of this footprint: shown under the minimum-group rule (docs/security.md).
BENCHMARK_FACTS = frozenset(
    {"benchmark.p10", "benchmark.p25", "benchmark.p50", "benchmark.p75", "benchmark.p90", "benchmark.n"}
)


def benchmark_key(doc: dict[str, Any]) -> BenchmarkKey:
    """Footprints are benchmarked against others of the same category, declared unit and reference year."""
    return (doc["product"]["category_code"], doc["declared_unit"], int(doc["reference_period_end"][:4]))


def footprint_facts(doc: dict[str, Any], on: date, benchmark: dict[str, Any]) -> dict[str, Any]:
    """`{"fp": {...}, "benchmark": {...}}` for the document `doc`, as of the decision date `on`."""
    period_end = date.fromisoformat(doc["reference_period_end"])
    verification = doc.get("verification") or {}
    ratings = [doc.get(f"dqr_{axis}") for axis in ("technological", "geographical", "temporal")]
    known = [r for r in ratings if r is not None]
    fp: dict[str, Any] = {
        "total_kgco2e": doc["total_kgco2e"],
        "declared_unit": doc["declared_unit"],
        "kgco2e_per_kwh_lifetime_energy": _per_lifetime_kwh(doc),
        "category_code": doc["product"]["category_code"],
        "industry_code": doc["product"].get("industry_code"),
        "system_boundary": doc["system_boundary"],
        "accounting_standards": list(doc["accounting_standards"]),
        "primary_data_share": doc.get("primary_data_share_percent"),
        "dqr": fmean(known) if len(known) == len(ratings) else None,
        "dqr_worst": max(known) if len(known) == len(ratings) else None,
        "dqr_technological": ratings[0],
        "dqr_geographical": ratings[1],
        "dqr_temporal": ratings[2],
        "verified": bool(verification) and doc["status"] in VERIFIED_STATUSES,
        "verifier_accredited": bool(verification.get("verifier_accreditation")),
        "reference_year": period_end.year,
        "age_years": (on - period_end).days / 365.25,
        "within_validity": _within_validity(doc, period_end, on),
        "exempted_emissions_percent": doc.get("exempted_emissions_percent"),
        "product_rules": doc.get("product_rules"),
        "geography_subdivision": doc.get("geography_subdivision"),
        "status": doc["status"],
    }
    return {"fp": {k: v for k, v in fp.items() if v is not None}, "benchmark": dict(benchmark)}


def _per_lifetime_kwh(doc: dict[str, Any]) -> float | None:
    """The EU battery figure: the footprint per kWh delivered over the service life, where the record says how
    many kWh that is (per kWh of rated capacity is a different quantity, hundreds of times larger)."""
    energy = doc.get("battery_lifetime_energy_kwh")
    return doc["total_kgco2e"] / energy if energy else None


def _within_validity(doc: dict[str, Any], period_end: date, on: date) -> bool:
    start = date.fromisoformat(doc["validity_start"]) if doc.get("validity_start") else None
    end = date.fromisoformat(doc["validity_end"]) if doc.get("validity_end") else None
    if end is None:
        end = years_after(period_end, DEFAULT_VALIDITY_YEARS)
    return (start is None or start <= on) and on <= end


def years_after(day: date, years: int) -> date:
    """The same day and month `years` later; 29 February falls back to 28 February in a common year.

    `date.replace(year=...)` raises on a leap day. Falling back (rather than forward to 1 March) keeps a
    validity derived from it within the three years PACT allows, never a day beyond them.
    """
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)

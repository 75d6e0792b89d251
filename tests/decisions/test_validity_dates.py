"""A footprint's default validity (PACT v3: three years after its reference period ends) at the edges of the
calendar: 29 February has no anniversary three years on, so the validity ends on 28 February (never later
than three years); every other day keeps its day and month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from hub.decisions.facts import footprint_facts, years_after


def _doc(period_end: str, status: str = "verified") -> dict[str, Any]:
    return {
        "total_kgco2e": 1.0,
        "declared_unit": "kg",
        "product": {"category_code": "KP-46"},
        "system_boundary": "cradle_to_gate",
        "accounting_standards": ["GB/T 24067-2024"],
        "reference_period_end": period_end,
        "status": status,
        "verification": {"verifier_accreditation": "CNAS"},
    }


@pytest.mark.parametrize(
    ("period_end", "last_valid_day"),
    [
        (date(2024, 2, 29), date(2027, 2, 28)),  # leap day: no 29 Feb 2027
        (date(2024, 2, 28), date(2027, 2, 28)),
        (date(2023, 2, 28), date(2026, 2, 28)),
        (date(2025, 2, 28), date(2028, 2, 28)),  # lands in a leap year: stays the 28th
        (date(2024, 12, 31), date(2027, 12, 31)),
        (date(2024, 1, 1), date(2027, 1, 1)),
    ],
)
def test_a_footprint_is_valid_through_the_third_anniversary_of_its_period_end(
    period_end: date, last_valid_day: date
) -> None:
    doc = _doc(period_end.isoformat())
    assert footprint_facts(doc, last_valid_day, {})["fp"]["within_validity"] is True
    after = footprint_facts(doc, last_valid_day + timedelta(days=1), {})
    assert after["fp"]["within_validity"] is False
    assert after["fp"]["reference_year"] == period_end.year


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2024, 2, 28), 3, date(2027, 2, 28)),
        (date(2024, 12, 31), 3, date(2027, 12, 31)),
        (date(2024, 1, 1), 3, date(2027, 1, 1)),
        (date(2024, 1, 1), 0, date(2024, 1, 1)),
    ],
)
def test_years_after_keeps_the_day_or_falls_back_to_28_february(day: date, years: int, expected: date) -> None:
    assert years_after(day, years) == expected


def test_a_validity_end_the_document_gives_wins_over_the_default() -> None:
    doc = _doc("2024-02-29") | {"validity_start": "2024-03-01", "validity_end": "2025-06-30"}
    assert footprint_facts(doc, date(2025, 6, 30), {})["fp"]["within_validity"] is True
    assert footprint_facts(doc, date(2025, 7, 1), {})["fp"]["within_validity"] is False

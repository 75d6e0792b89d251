"""A label's days: its validity period and re-check intervals in months, and the dates a reader can believe."""

from __future__ import annotations

import calendar
from datetime import date

from hub.validation import FieldError

# Plausible label dates: none before 2000; valid at most ten years.
EARLIEST = date(2000, 1, 1)
VALID_YEARS = 10


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1 month is
    28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_problems(issued_on: date, expires_on: date, today: date) -> list[FieldError]:
    """Validity a reader can believe: issued from 2000 on, not expired yet, valid for at most ten years."""
    problems: list[FieldError] = []
    if issued_on < EARLIEST:
        problems.append(FieldError("$.issued_on", f"must be on or after {EARLIEST}"))
    if expires_on <= issued_on:
        problems.append(FieldError("$.expires_on", "must be after the day of issue"))
    elif expires_on <= today:
        problems.append(FieldError("$.expires_on", f"must be after today ({today}): the label would be expired"))
    elif expires_on > months_after(issued_on, 12 * VALID_YEARS):
        problems.append(FieldError("$.expires_on", f"must be at most {VALID_YEARS} years after the day of issue"))
    return problems

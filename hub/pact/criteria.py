"""The PACT v3 filter criteria of a RequestCreatedEvent (the same as ListFootprints' query parameters),
tested on a PACT ProductFootprint: OR within a criterion, AND across criteria, case-insensitive matches.

The validity period of a footprint without one is the spec's default: three years from its reference
period's end."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

LIST_CRITERIA = {
    "productId": lambda pf: pf.get("productIds") or [],
    "companyId": lambda pf: pf.get("companyIds") or [],
    "classification": lambda pf: pf.get("productClassifications") or [],
    "geography": lambda pf: [
        v
        for k in ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion")
        if isinstance(v := (pf.get("pcf") or {}).get(k), str)
    ],
}


def instant(text: str) -> datetime:
    """An RFC 3339 date-time (a `Z` or an offset; no offset is read as UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def validity(pf: dict[str, Any]) -> tuple[datetime, datetime]:
    end_of_reference = instant(pf["pcf"]["referencePeriodEnd"])
    start = instant(pf["validityPeriodStart"]) if pf.get("validityPeriodStart") else end_of_reference
    if pf.get("validityPeriodEnd"):
        return start, instant(pf["validityPeriodEnd"])
    try:
        return start, start.replace(year=start.year + 3)
    except ValueError:  # 29 February: three years on there is none
        return start, start.replace(year=start.year + 3, day=28)


def matches(pf: dict[str, Any], criteria: dict[str, Any]) -> bool:
    for name, values_of in LIST_CRITERIA.items():
        wanted = criteria.get(name)
        if wanted:
            have = {str(v).lower() for v in values_of(pf)}
            if not have & {w.lower() for w in wanted}:
                return False
    status = criteria.get("status")
    if status and str(pf.get("status", "")).lower() != status.lower():
        return False
    if any(criteria.get(k) for k in ("validOn", "validAfter", "validBefore")):
        start, end = validity(pf)
        if criteria.get("validOn") and not start <= instant(criteria["validOn"]) <= end:
            return False
        if criteria.get("validAfter") and not start > instant(criteria["validAfter"]):
            return False
        if criteria.get("validBefore") and not end < instant(criteria["validBefore"]):
            return False
    return True

"""The query of ListFootprints: its filters, `limit` and the pagination cursor, parsed and matched.

Filtering follows PACT v3: values of one criterion are ORed, criteria are ANDed, string matches are
case-insensitive; a footprint's validity period is its own, or by the spec's default three years from its
reference period's end. The filters test the served document, never a stored field behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.datastructures import QueryParams

from hub.pact.errors import PactError, bad_request

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # a larger `limit` is served in pages of this size (the spec lets a host return fewer)
MAX_VALUES = 100  # values of one criterion
MAX_VALUE_LENGTH = 1000
LIST_CRITERIA = ("productId", "companyId", "geography", "classification", "status")
TIME_CRITERIA = ("validOn", "validAfter", "validBefore")
CURSOR = "x-cfhub-after"  # PACT asks for host-specific parameters to be prefixed x-<identifier>-
DEFAULT_VALIDITY_YEARS = 3

Document = dict[str, Any]


@dataclass(frozen=True)
class ListQuery:
    limit: int = DEFAULT_LIMIT
    after: int | None = None
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # criterion -> lower-cased values
    times: dict[str, datetime] = field(default_factory=dict)

    def matches(self, doc: Document) -> bool:
        return all(test(self, doc) for test in _TESTS)

    def link_params(self) -> list[tuple[str, str]]:
        """The filters (as given, lower-cased) and limit, for the next page's link."""
        out = [(name, v) for name in LIST_CRITERIA for v in sorted(self.values.get(name, ()))]
        out += [(name, t.isoformat().replace("+00:00", "Z")) for name, t in self.times.items()]
        return [*out, ("limit", str(self.limit))]


def parse(params: QueryParams) -> ListQuery:
    """The query of a ListFootprints request; a BadRequest naming the parameter when one is wrong."""
    canonical = {name.lower(): name for name in (*LIST_CRITERIA, *TIME_CRITERIA, "limit")}
    values: dict[str, set[str]] = {}
    times: dict[str, datetime] = {}
    limit, after = DEFAULT_LIMIT, None
    for raw_name, value in params.multi_items():
        if len(value) > MAX_VALUE_LENGTH:
            raise bad_request(f"{raw_name}: longer than {MAX_VALUE_LENGTH} characters")
        if raw_name == CURSOR:
            after = decode_cursor(value)
            continue
        if raw_name.lower().startswith("x-"):
            continue  # another host's extension: not ours to refuse
        name = canonical.get(raw_name.lower())
        if name is None:
            raise bad_request(f"{raw_name}: not a ListFootprints parameter")
        if name == "limit":
            limit = _limit(value)
        elif name in TIME_CRITERIA:
            times[name] = _time(name, value)
        else:
            values.setdefault(name, set()).add(value.lower())
            if len(values[name]) > MAX_VALUES:
                raise bad_request(f"{name}: more than {MAX_VALUES} values")
    return ListQuery(limit, after, {k: frozenset(v) for k, v in values.items()}, times)


def _limit(value: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise bad_request("limit: must be a positive integer")
    n = int(value)
    if n < 1:
        raise bad_request("limit: must be at least 1")
    return min(n, MAX_LIMIT)


def _time(name: str, value: str) -> datetime:
    try:
        t = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name}: not an RFC 3339 date-time ({value!r})") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def encode_cursor(key: int) -> str:
    """The cursor of a next link: the key of the last footprint served (like GraphQL's cursors, which are
    the same key in base64: it tells nothing a caller cannot already see)."""
    return str(key)


# Keys are 32-bit integers (PostgreSQL `integer`): a larger cursor is none this hub issued, and passed on
# to the database it would fail the query (a server error) rather than match nothing.
MAX_KEY = 2**31 - 1


def decode_cursor(cursor: str) -> int:
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 10 or int(cursor) > MAX_KEY:
        raise bad_request(f"{CURSOR}: not a pagination cursor this hub issued")
    return int(cursor)


def _lower(values: Any) -> set[str]:
    return {v.lower() for v in values if isinstance(v, str)} if isinstance(values, list) else set()


def _geographies(doc: Document) -> set[str]:
    pcf = doc.get("pcf") or {}
    out = {pcf.get(k) for k in ("geographyCountry", "geographyRegionOrSubregion", "geographyCountrySubdivision")}
    subdivision = pcf.get("geographyCountrySubdivision")
    if isinstance(subdivision, str) and "-" in subdivision:
        out.add(subdivision.split("-", 1)[0])  # a footprint in CN-ZJ is within CN
    return {g.lower() for g in out if isinstance(g, str)}


def validity(doc: Document) -> tuple[datetime | None, datetime | None]:
    """The footprint's validity period: its own, else the spec's default of three years from the end of its
    reference period."""
    start, end = _instant(doc.get("validityPeriodStart")), _instant(doc.get("validityPeriodEnd"))
    reference_end = _instant((doc.get("pcf") or {}).get("referencePeriodEnd"))
    start = start or reference_end
    if end is None and start is not None:
        end = _plus_years(start, DEFAULT_VALIDITY_YEARS)
    return start, end


def _plus_years(t: datetime, years: int) -> datetime:
    try:
        return t.replace(year=t.year + years)
    except ValueError:  # 29 February
        return t.replace(year=t.year + years, day=28) + timedelta(days=1)


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _time("", value)
    except PactError:
        return None


def _in(name: str, found: Callable[[Document], set[str]]) -> Callable[[ListQuery, Document], bool]:
    def test(q: ListQuery, doc: Document) -> bool:
        wanted = q.values.get(name)
        return wanted is None or not wanted.isdisjoint(found(doc))

    return test


def _valid(q: ListQuery, doc: Document) -> bool:
    if not q.times:
        return True
    start, end = validity(doc)
    on, after, before = (q.times.get(n) for n in TIME_CRITERIA)
    if on is not None and not (start is not None and end is not None and start <= on <= end):
        return False
    if after is not None and not (start is not None and start > after):
        return False
    return before is None or (end is not None and end < before)


_TESTS: list[Callable[[ListQuery, Document], bool]] = [
    _in("productId", lambda d: _lower(d.get("productIds"))),
    _in("companyId", lambda d: _lower(d.get("companyIds"))),
    _in("classification", lambda d: _lower(d.get("productClassifications"))),
    _in("status", lambda d: _lower([d.get("status")])),
    _in("geography", _geographies),
    _valid,
]

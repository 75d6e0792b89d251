"""Emission-factor search as practitioners know it from Climatiq: words of an activity name (zh or en), facets
over the matches, a pinned data version, and each result with its source and licence.

Every token of the text must occur in the English or the Chinese activity name (case-insensitive; the
tokens are matched literally, so `%` and `_` are characters, not patterns). Results come ranked: the exact
name first, then names holding the whole phrase, then the rest, each in key order.

The data version is the highest factor key the search may see. Factors are never edited (a new version
supersedes one), so a search pinned to a data version answers the same tomorrow: later factors are left
out, and a factor superseded only by a later one is not marked superseded. A search given no version uses
the newest and names it.

Facets count the matches per value in SQL, under the caller's policy, like every read (hub/queries/records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import ColumnElement, String, and_, case, cast, func, literal, literal_column, or_, select, union_all

from hub.db.models import EmissionFactor
from hub.policy.access import Access, Forbidden
from hub.queries.filters import require_filterable
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch
from hub.units import units_of_maker
from hub.validation import FieldError, InvalidInput

KIND: Final = "EmissionFactor"
MAX_TEXT: Final = 200  # an activity name holds at most 200 characters (hub/db/models.py)
MAX_TOKENS: Final = 12
NO_DIMENSION: Final = "unknown"  # the unit type of a factor whose unit is not in the code list
# facet name -> the policy fields it reads (the unit type is worked out from the unit)
FACET_FIELDS: Final = {
    "region": "region",
    "year": "reference_year",
    "dataset": "dataset",
    "unit_type": "unit",
    "gwp_basis": "gwp_basis",
    "gases_covered": "gases_covered",
}


@dataclass(frozen=True)
class SearchFilter:
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    datasets: tuple[str, ...] = ()
    unit_types: tuple[str, ...] = ()  # pint dimensions of the unit code list (hub/units): mass, energy ...
    gwp_bases: tuple[str, ...] = ()
    gases_covered: tuple[str, ...] = ()
    data_version: int | None = None


@dataclass(frozen=True)
class Position:
    """Where a page ends: the rank and key of its last hit (the next page starts after it)."""

    rank: int
    key: int


@dataclass(frozen=True)
class Hit:
    record: Record
    position: Position
    superseded: bool


@dataclass(frozen=True)
class Search:
    hits: list[Hit]
    has_next: bool
    data_version: int
    facets: dict[str, dict[str | None, int]] = field(default_factory=dict)


def tokens(text: str) -> list[str]:
    """The text's lower-case words; refused (naming `$.text`) when too long or holding control characters."""
    if len(text) > MAX_TEXT:
        raise InvalidInput([FieldError("$.text", f"is {len(text)} characters long; at most {MAX_TEXT} are allowed")])
    if any(ord(c) < 32 for c in text):
        raise InvalidInput([FieldError("$.text", "holds a control character")])
    words = text.lower().split()
    if len(words) > MAX_TOKENS:
        raise InvalidInput([FieldError("$.text", f"has {len(words)} words; at most {MAX_TOKENS} are allowed")])
    return words


def _names() -> tuple[ColumnElement[str], ColumnElement[str]]:
    return func.lower(EmissionFactor.activity_name), func.lower(func.coalesce(EmissionFactor.activity_name_zh, ""))


def _text_conditions(words: Sequence[str]) -> list[ColumnElement[bool]]:
    en, zh = _names()
    return [or_(en.contains(w, autoescape=True), zh.contains(w, autoescape=True)) for w in words]


def _rank(words: Sequence[str]) -> ColumnElement[int]:
    """0: a name is the phrase; 1: a name holds the phrase; 2: the words are spread over the names."""
    if not words:
        return literal(0)
    phrase = " ".join(words)
    en, zh = _names()
    return case(
        (or_(en == phrase, zh == phrase), 0),
        (or_(en.contains(phrase, autoescape=True), zh.contains(phrase, autoescape=True)), 1),
        else_=2,
    )


def _unit_type(dimension_of: dict[str, str]) -> ColumnElement[str]:
    return case(dimension_of, value=EmissionFactor.unit, else_=NO_DIMENSION) if dimension_of else literal(NO_DIMENSION)


def _filter_conditions(access: Access, f: SearchFilter, dimension_of: dict[str, str]) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for values, name, column in (
        (f.regions, "region", EmissionFactor.region),
        (f.years, "reference_year", EmissionFactor.reference_year),
        (f.datasets, "dataset", EmissionFactor.dataset),
        (f.gwp_bases, "gwp_basis", EmissionFactor.gwp_basis),
        (f.gases_covered, "gases_covered", EmissionFactor.gases_covered),
    ):
        if values:
            require_filterable(access, KIND, [name])
            out.append(column.in_(values))
    if f.unit_types:
        require_filterable(access, KIND, ["unit"])
        out.append(EmissionFactor.unit.in_([u for u, d in dimension_of.items() if d in f.unit_types]))
    return out


async def _newest_version(reader: Reader, access: Access) -> int:
    rows = await reader.execute(select(func.max(EmissionFactor.id)).where(access.where(KIND)))
    return int(rows[0][0] or 0)


def _superseded(access: Access, version: int) -> ColumnElement[bool]:
    """Whether a factor the caller may read, within the data version, supersedes this one."""
    newer = (
        select(EmissionFactor.supersedes_id)
        .where(access.where(KIND), EmissionFactor.id <= version, EmissionFactor.supersedes_id.is_not(None))
        .correlate(None)
    )
    return EmissionFactor.id.in_(newer)


def _after(rank: ColumnElement[int], position: Position | None) -> list[ColumnElement[bool]]:
    if position is None:
        return []
    return [or_(rank > position.rank, and_(rank == position.rank, EmissionFactor.id > position.key))]


async def _version(reader: Reader, access: Access, given: int | None) -> int:
    newest = await _newest_version(reader, access)
    if given is not None and not 0 < given <= newest:
        raise InvalidInput([FieldError("$.filter.dataVersion", "is not a data version of this hub")])
    return newest if given is None else given


async def search(reader: Reader, text: str, f: SearchFilter, first: int, after: Position | None) -> Search:
    """One page of matches in rank order, the facets over all matches, and the data version answered from."""
    access = await reader.access()
    if not access.grants(KIND):
        raise Forbidden(f"role {access.role} may not read {KIND} records")
    words = tokens(text)
    if words:
        require_filterable(access, KIND, ["activity_name", "activity_name_zh"])
    require_filterable(access, KIND, ["supersedes"])
    dimension_of = units_of_maker(reader.sessions).dimension_of
    version = await _version(reader, access, f.data_version)
    matches = [
        access.where(KIND),
        EmissionFactor.id <= version,
        *_text_conditions(words),
        *_filter_conditions(access, f, dimension_of),
    ]
    rank = _rank(words)
    stmt = (
        select(EmissionFactor.id, rank.label("rank"), _superseded(access, version).label("superseded"))
        .where(*matches, *_after(rank, after))
        .order_by(rank, EmissionFactor.id)
        .limit(first + 1)
    )
    found = await reader.execute(stmt)
    rows = found[:first]
    keys = [row.id for row in rows]
    records = {r["_id"]: r for r in await fetch(reader, KIND, EmissionFactor.id.in_(keys))} if keys else {}
    hits = [Hit(records[row.id], Position(int(row.rank), row.id), bool(row.superseded)) for row in rows]
    return Search(hits, len(found) > first, version, await _facets(reader, access, matches, dimension_of))


async def _facets(
    reader: Reader, access: Access, matches: list[ColumnElement[bool]], dimension_of: dict[str, str]
) -> dict[str, dict[str | None, int]]:
    """value -> count over the matches, per facet, in one statement (a UNION ALL of GROUP BYs)."""
    if not access.may_aggregate(KIND):
        raise Forbidden(f"role {access.role} may not aggregate {KIND} records")
    require_filterable(access, KIND, list(FACET_FIELDS.values()))
    columns: dict[str, Any] = {
        "region": EmissionFactor.region,
        "year": cast(EmissionFactor.reference_year, String),
        "dataset": EmissionFactor.dataset,
        "unit_type": _unit_type(dimension_of),
        "gwp_basis": EmissionFactor.gwp_basis,
        "gases_covered": EmissionFactor.gases_covered,
    }
    parts = [
        select(
            literal_column(f"'{name}'", String).label("facet"),
            cast(column, String).label("value"),
            func.count().label("n"),
        )
        .where(*matches)
        .group_by(column)
        for name, column in columns.items()
    ]
    out: dict[str, dict[str | None, int]] = {name: {} for name in columns}
    for row in await reader.execute(union_all(*parts)):
        out[row.facet][row.value] = int(row.n)
    return out

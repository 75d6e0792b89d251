"""`factorSearch` in GraphQL: emission factors by words of their activity name (zh/en), with facets and a pinned
data version (hub/queries/factor_search.py). The resolver decodes, calls the query, maps the result."""

from __future__ import annotations

import base64
from typing import TypeVar

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from hub.api.context import Context
from hub.api.pagination import PageInfo, page_size
from hub.api.types import EmissionFactor
from hub.api.views import view
from hub.queries import factor_search
from hub.queries.factor_search import Position
from hub.validation import FieldError, InvalidInput


@strawberry.input(description="Narrow a factor search; each list keeps factors holding one of its values.")
class FactorSearchFilter:
    regions: list[str] | None = None
    years: list[int] | None = None
    datasets: list[str] | None = None
    unit_types: list[str] | None = strawberry.field(
        default=None, description="Dimensions of the unit code list: mass, energy, volume, transport_work ..."
    )
    gwp_bases: list[str] | None = None
    gases_covered: list[str] | None = strawberry.field(default=None, description="co2e or co2.")
    data_version: str | None = strawberry.field(
        default=None, description="Answer from this data version (one a previous search named); default: newest."
    )

    def to_query(self) -> factor_search.SearchFilter:
        return factor_search.SearchFilter(
            regions=_values("regions", self.regions),
            years=_values("years", self.years),
            datasets=_values("datasets", self.datasets),
            unit_types=_values("unitTypes", self.unit_types),
            gwp_bases=_values("gwpBases", self.gwp_bases),
            gases_covered=_values("gasesCovered", self.gases_covered),
            data_version=_version(self.data_version),
        )


@strawberry.type(description="One factor found, with where it ranks and whether a newer version supersedes it.")
class FactorSearchHit:
    cursor: str
    rank: int = strawberry.field(description="0: a name is the text; 1: a name holds the text; 2: holds its words.")
    superseded: bool = strawberry.field(description="A newer version (within the data version) supersedes it.")
    factor: EmissionFactor = strawberry.field(description="The factor, with its source citation and licence.")


@strawberry.type(description="How many matches hold a value.")
class FactorFacetValue:
    value: str | None = strawberry.field(description="null: not recorded.")
    count: int


@strawberry.type(description="A facet over all matches: region, year, dataset, unitType, gwpBasis, gasesCovered.")
class FactorFacet:
    name: str
    values: list[FactorFacetValue]


@strawberry.type(description="A page of matches, the facets over all of them, and the data version answered from.")
class FactorSearchResult:
    hits: list[FactorSearchHit]
    page_info: PageInfo
    facets: list[FactorFacet]
    total_count: int = strawberry.field(description="How many factors match, over all pages.")
    data_version: str = strawberry.field(description="Pass it back (filter.dataVersion) to get the same answers.")


MAX_VALUES = 100  # values of one filter list: more is no search a person makes, and each is a bound parameter
T = TypeVar("T", str, int)


def _values(name: str, values: list[T] | None) -> tuple[T, ...]:
    if values is not None and len(values) > MAX_VALUES:
        raise InvalidInput([FieldError(f"$.filter.{name}", f"has {len(values)} values; at most {MAX_VALUES}")])
    return tuple(values or ())


def _version(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise InvalidInput([FieldError("$.filter.dataVersion", "is not a data version of this hub")])
    return int(text)


def _cursor(p: Position) -> str:
    return base64.urlsafe_b64encode(f"s:{p.rank}:{p.key}".encode()).decode()


def _position(cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    try:
        tag, rank, key = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if tag != "s":
            raise ValueError(tag)
        return Position(int(rank), int(key))
    except ValueError:
        raise InvalidInput([FieldError("$.after", "is not a cursor this hub issued")]) from None


def _facets(found: dict[str, dict[str | None, int]]) -> list[FactorFacet]:
    return [
        FactorFacet(
            name=to_camel_case(name),
            values=[
                FactorFacetValue(value=v, count=n) for v, n in sorted(values.items(), key=lambda i: (-i[1], i[0] or ""))
            ],
        )
        for name, values in found.items()
    ]


def _hit(h: factor_search.Hit) -> FactorSearchHit:
    factor = view(EmissionFactor, h.record)
    return FactorSearchHit(cursor=_cursor(h.position), rank=h.position.rank, superseded=h.superseded, factor=factor)


@strawberry.type
class FactorSearchQuery:
    @strawberry.field(
        description="Search emission factors by words of their activity name (zh or en; every word must occur, "
        "the exact name ranks first), with facets over the matches and the data version answered from."
    )
    async def factor_search(
        self,
        info: Info[Context, None],
        text: str = "",
        filter: FactorSearchFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> FactorSearchResult:
        f, position, n = (filter or FactorSearchFilter()).to_query(), _position(after), page_size(first)
        found = await factor_search.search(info.context.reader, text, f, n, position)
        hits = [
            FactorSearchHit(
                cursor=_cursor(h.position),
                rank=h.position.rank,
                superseded=h.superseded,
                factor=view(EmissionFactor, h.record),
            )
            for h in found.hits
        ]
        page_info = PageInfo(
            has_next_page=found.has_next,
            has_previous_page=after is not None,
            start_cursor=hits[0].cursor if hits else None,
            end_cursor=hits[-1].cursor if hits else None,
        )
        return FactorSearchResult(
            hits=hits,
            page_info=page_info,
            facets=_facets(found.facets),
            total_count=sum(found.facets.get("dataset", {}).values()),
            data_version=str(found.data_version),
        )

"""Relay-style cursor connections: opaque cursors over record keys, page sizes bounded."""

import base64
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from hub.api.context import Context
from hub.api.types import view
from hub.queries.records import Page
from hub.validation import FieldError, InvalidInput

DEFAULT_PAGE = 20
MAX_PAGE = 100


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("k:"):
            raise ValueError(text)
        return int(text[2:])
    except ValueError:
        raise InvalidInput([FieldError("$.after", "is not a cursor this hub issued")]) from None


def page_size(first: int | None) -> int:
    n = DEFAULT_PAGE if first is None else first
    if not 0 <= n <= MAX_PAGE:
        raise InvalidInput([FieldError("$.first", f"must be between 0 and {MAX_PAGE}")])
    return n


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


Counter = Callable[[], Awaitable[int]]
N = TypeVar("N")


def _page_info(page: Page, after: int | None) -> PageInfo:
    keys = [r["_id"] for r in page.records]
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        start_cursor=encode_cursor(keys[0]) if keys else None,
        end_cursor=encode_cursor(keys[-1]) if keys else None,
    )


# Generic types: strawberry names `Connection[Footprint]` FootprintConnection and `Edge[Footprint]` FootprintEdge.
@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo

    @strawberry.field(description="How many records match, over all pages (needs aggregate rights).")
    async def total_count(self, info: Info[Context, None]) -> int | None:
        counter: Counter = self.__dict__["_count"]
        return await counter()


def connection(node_type: type[N], page: Page, after: int | None, count: Counter) -> Connection[N]:
    edges = [Edge(cursor=encode_cursor(r["_id"]), node=view(node_type, r)) for r in page.records]
    out = Connection(edges=edges, page_info=_page_info(page, after))
    out.__dict__["_count"] = count  # read by total_count only when asked for: counting is a query of its own
    return out

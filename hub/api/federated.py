"""`federatedFootprints`: footprints from this hub and its peers (hub/federation/query.py), with provenance and
how each region answered. The resolver decodes the arguments, calls the query, maps the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.pagination import PageInfo, page_size
from hub.api.query import FootprintFilter
from hub.federation.query import FederatedPage, Found, RegionAnswer, federated_footprints


@strawberry.type(description="Where a federated record comes from: the hub that holds it, under its own policy.")
class FederatedProvenance:
    region: str = strawberry.field(description="The region of the hub that answered.")
    hub: str = strawberry.field(description="That hub's base URL.")
    did: str | None = strawberry.field(description="That hub's did:web.")
    record_iri: str = strawberry.field(description="The record's IRI at that hub.")
    version: int | None
    fetched_at: datetime


@strawberry.type(description="A footprint as the hub holding it gave it to the caller (only the fields it grants).")
class FederatedFootprint:
    record: JSON = strawberry.field(description="The footprint's fields, in this hub's vocabulary.")
    provenance: FederatedProvenance


@strawberry.type
class FederatedFootprintEdge:
    cursor: str
    node: FederatedFootprint


@strawberry.type(description="How one region's hub answered: answered, failed or timed_out, and how long it took.")
class PeerAnswer:
    region: str
    status: str
    duration_ms: float
    record_count: int = strawberry.field(description="Records it gave for this page.")
    error: str | None


@strawberry.type(description="A page of footprints across hubs, and how each hub answered.")
class FederatedFootprintConnection:
    edges: list[FederatedFootprintEdge]
    page_info: PageInfo
    peers: list[PeerAnswer]


def _node(found: Found, fetched_at: datetime) -> FederatedFootprint:
    record: Any = found.record  # the JSON scalar
    version = record.get("version")
    return FederatedFootprint(
        record=record,
        provenance=FederatedProvenance(
            region=found.region,
            hub=found.hub,
            did=found.did,
            record_iri=str(found.record["id"]),
            version=version if isinstance(version, int) else None,
            fetched_at=fetched_at,
        ),
    )


def _answer(a: RegionAnswer) -> PeerAnswer:
    return PeerAnswer(
        region=a.region, status=a.status, duration_ms=a.duration_ms, record_count=len(a.records), error=a.error
    )


def _connection(page: FederatedPage, after: str | None, fetched_at: datetime) -> FederatedFootprintConnection:
    edges = [FederatedFootprintEdge(cursor=c, node=_node(f, fetched_at)) for f, c in page.records]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=page.end_cursor,
    )
    taken: dict[str, int] = {}
    for found, _ in page.records:
        taken[found.region] = taken.get(found.region, 0) + 1
    answers = [_answer(a) for a in page.answers]
    for a in answers:
        a.record_count = taken.get(a.region, 0)
    return FederatedFootprintConnection(edges=edges, page_info=info, peers=answers)


@strawberry.type
class FederatedQuery:
    @strawberry.field(
        description="Footprints from this hub and its peer hubs (all, or the `regions` named), asked at once; "
        "each peer answers under its own policy for this hub. A peer that fails or times out is named in "
        "`peers` and the others' records still arrive."
    )
    async def federated_footprints(
        self,
        info: Info[Context, None],
        filter: FootprintFilter | None = None,
        regions: list[str] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> FederatedFootprintConnection:
        ctx = info.context
        f = (filter or FootprintFilter()).to_query()
        page = await federated_footprints(ctx.hub, ctx.reader, f, regions, page_size(first), after)
        return _connection(page, after, ctx.hub.clock.now())

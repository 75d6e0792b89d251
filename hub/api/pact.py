"""PACT exchange in GraphQL: the outbox of events (the regulator's oversight, read through the policy) and a
pull from a partner's PACT host. Resolvers decode, call hub/pact, map the result."""

from __future__ import annotations

from datetime import datetime

import httpx
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.mutations import FieldErrorType
from hub.api.views import RECORD_TYPES, views
from hub.db import models as m
from hub.pact.client import PactClient
from hub.pact.partners import partner_named
from hub.pact.pull import pull
from hub.queries import filters
from hub.queries.records import fetch
from hub.validation import InvalidInput

PULL_TIMEOUT = 60.0


@strawberry.type(description="A PACT event this hub sends a partner's /3/events, with its delivery state.")
class PactOutboxEvent:
    event_id: str | None = strawberry.field(description="The CloudEvent id.")
    event_type: str | None = strawberry.field(description="org.wbcsd.pact.ProductFootprint.<...>Event.3")
    status: str | None = strawberry.field(description="pending, sending, delivered or abandoned.")
    attempts: int | None = strawberry.field(description="Failed deliveries so far.")
    next_attempt_at: datetime | None
    last_error: str | None = strawberry.field(description="Why the last delivery failed.")
    created_at: datetime | None
    delivered_at: datetime | None


RECORD_TYPES["PactOutboxEvent"] = PactOutboxEvent


@strawberry.type(description="What a pull stored: counts by outcome, each refused record with its reasons.")
class PactPullPayload:
    counts: JSON | None
    refused: JSON | None
    host_error: str | None = strawberry.field(description="Why the host ended the pull early, if it did.")
    errors: list[FieldErrorType]


@strawberry.type
class PactQuery:
    @strawberry.field(description="The outgoing PACT events, newest first, as the caller may read them.")
    async def pact_outbox(self, info: Info[Context, None], status: str | None = None) -> list[PactOutboxEvent]:
        where = await filters.equal_to(info.context.reader, "PactOutboxEvent", status=status)
        order = [m.PactOutboxEvent.id.desc()]
        found = await fetch(info.context.reader, "PactOutboxEvent", *where, order_by=order, limit=500)
        return views(PactOutboxEvent, found)


@strawberry.type
class PactMutation:
    @strawberry.mutation(description="Pull every footprint partner's PACT host lists for this hub, and store them.")
    async def pull_pact_footprints(self, info: Info[Context, None], partner: str) -> PactPullPayload:
        ctx = info.context
        (await ctx.reader.access()).mutation_check("pullPactFootprints")
        try:
            async with ctx.hub.sessions() as session:
                found = await partner_named(session, partner)
        except InvalidInput as exc:
            errors = [FieldErrorType(path=e.path, reason=e.reason) for e in exc.errors]
            return PactPullPayload(counts=None, refused=None, host_error=None, errors=errors)
        async with httpx.AsyncClient(timeout=PULL_TIMEOUT) as http:
            client = PactClient(found.base_url, found.token_url, found.client_id, found.client_secret, http)
            report = (await pull(ctx.hub, client, ctx.principal.actor)).as_dict()
        return PactPullPayload(
            counts=report["counts"], refused=report["refused"], host_error=report["error"], errors=[]
        )

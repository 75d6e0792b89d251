"""Accounting in GraphQL: what a superseded factor would change, and recomputing a footprint with the newest
factor versions (a new draft version). Resolvers decode, call a query or service, map the result."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from hub.api.context import Context
from hub.api.mutations import FootprintPayload, _payload, _write
from hub.api.types import Footprint, _one
from hub.api.views import RECORD_TYPES, views
from hub.db.models import Footprint as FootprintRecord
from hub.policy.access import Access
from hub.queries import factor_changes
from hub.queries.targets import target
from hub.services import recompute
from hub.services.origin import Origin


@strawberry.type(
    description="A footprint that used a superseded emission factor, and what the newest version would make it."
)
class FactorChange:
    current_kgco2e: float | None = strawberry.field(description="The footprint's total now, kgCO2e per declared unit.")
    recomputed_kgco2e: float | None = strawberry.field(description="Its total with the factor's newest version.")
    change_kgco2e: float | None
    change_percent: float | None
    superseded_factor_iri: str | None
    newest_factor_iri: str | None

    @strawberry.field
    async def footprint(self, info: Info[Context, None]) -> Footprint | None:
        return await _one(self, "footprint", info.context.loaders.footprints)


RECORD_TYPES["FactorChange"] = FactorChange


@strawberry.type
class AccountingQuery:
    @strawberry.field(
        description="The current footprints whose inventory used this emission factor, when a newer version "
        "supersedes it: each total now and recomputed. Only inventories the caller may read count."
    )
    async def factor_changes(self, info: Info[Context, None], factor_id: strawberry.ID) -> list[FactorChange]:
        return views(FactorChange, await factor_changes.factor_changes(info.context.reader, str(factor_id)))


@strawberry.type
class AccountingMutation:
    @strawberry.mutation(
        description="Recompute a footprint with the newest version of every factor it cites: a new draft "
        "version that supersedes it, with figures computed by the hub."
    )
    async def recompute_footprint(self, info: Info[Context, None], footprint_id: strawberry.ID) -> FootprintPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            fp = await target(session, access, "recomputeFootprint", FootprintRecord, footprint_id, "$.footprint_id")
            new = await recompute.recompute(session, fp, origin, info.context.hub.settings.base_iri)
            return new.iri

        return _payload(FootprintPayload, "footprint", Footprint, await _write(info, "recomputeFootprint", work))

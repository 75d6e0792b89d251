"""Answering a RequestCreatedEvent: the footprints the requester may read under the policy (read through
hub/queries with the requester's own principal, mapped by the PACT export mapping from the fields it may
read), kept when they match the request's criteria. None found: a rejection whose message does not say
whether footprints exist that the requester may not read (the same words as for none at all)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.db.models import Footprint
from hub.pact.criteria import matches
from hub.pact.schema import pact_problems
from hub.queries.mapped import MappedKey, mapped_footprints
from hub.queries.reader import Reader
from hub.queries.records import fetch
from hub.services.published import effective_catalog

# One RequestFulfilledEvent carries at most this many footprints (the receiver's body limit bounds it too).
MAX_FULFILLED = 1000
NOT_FOUND = "The requested footprint could not be found."


@dataclass(frozen=True)
class Answer:
    footprint_ids: list[int]  # local keys of the footprints sent
    pfs: list[dict[str, Any]]

    @property
    def fulfilled(self) -> bool:
        return bool(self.pfs)


async def answer(hub: Hub, requester: Principal, criteria: dict[str, Any], limit: int | None = MAX_FULFILLED) -> Answer:
    reader = Reader(hub.engine, hub.sessions, hub.policy, requester, hub.rulesets, clock=hub.clock)
    records = await fetch(reader, "Footprint", order_by=[Footprint.id])
    if not records:
        return Answer([], [])
    keys = [MappedKey(r["_id"], "pact", frozenset(r["_readable"])) for r in records]
    found: list[tuple[int, dict[str, Any]]] = []
    async with hub.sessions() as session:
        catalog = await effective_catalog(session)
    for key, (_, result) in zip(keys, await mapped_footprints(reader, keys), strict=True):
        # a record the mapping could not complete, or that is not valid PACT, is never handed out
        if result.ok and matches(result.output, criteria) and not pact_problems(catalog, result.output):
            found.append((key.footprint_id, result.output))
    found = found[:limit]
    return Answer([i for i, _ in found], [pf for _, pf in found])

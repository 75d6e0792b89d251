"""The typed context every resolver receives: the caller, its reader and loaders, the hub."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hub.api.loaders import Loaders
from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.queries.reader import Reader

if TYPE_CHECKING:
    from hub.api.planner.plan import Planner


@dataclass
class Context:
    hub: Hub
    principal: Principal
    reader: Reader
    loaders: Loaders
    # The operationName the request gave, if any: strawberry's execution context names the document's first
    # operation when none is given, where GraphQL asks for a name once a document holds several.
    operation_name: str | None = None
    # The query planner of the endpoint (hub/api/planner), and the response body it wrote when it answered.
    planner: Planner | None = None
    planned: bytes | None = None

    @classmethod
    def create(
        cls,
        hub: Hub,
        principal: Principal,
        wanted: dict[str, frozenset[str]] | None = None,
        operation_name: str | None = None,
        planner: Planner | None = None,
    ) -> Context:
        reader = Reader(
            hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, wanted, hub.clock, counts=hub.counts
        )
        return cls(hub, principal, reader, Loaders.create(reader), operation_name, planner)

    def fresh(self) -> None:
        """After a write: forget what was read, so the next read sees the new state."""
        self.loaders = Loaders.create(self.reader)

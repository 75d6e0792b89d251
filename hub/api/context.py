"""The typed context every resolver receives: the caller, its reader and loaders, the hub."""

from __future__ import annotations

from dataclasses import dataclass

from hub.api.loaders import Loaders
from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.queries.reader import Reader


@dataclass
class Context:
    hub: Hub
    principal: Principal
    reader: Reader
    loaders: Loaders

    @classmethod
    def create(cls, hub: Hub, principal: Principal, wanted: dict[str, frozenset[str]] | None = None) -> Context:
        reader = Reader(
            hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, wanted, hub.clock, counts=hub.counts
        )
        return cls(hub=hub, principal=principal, reader=reader, loaders=Loaders.create(reader))

    def fresh(self) -> None:
        """After a write: forget what was read, so the next read sees the new state."""
        self.loaders = Loaders.create(self.reader)

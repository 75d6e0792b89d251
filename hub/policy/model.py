"""The policy as typed data: grants per role and kind, mutation rules per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Filter = dict[str, Any]


@dataclass(frozen=True)
class Grant:
    rows: Filter
    fields: frozenset[str]
    aggregate: bool = False

    @property
    def shared(self) -> bool:
        return bool(self.rows.get("shared"))


@dataclass(frozen=True)
class MutationRule:
    name: str
    doc: str
    kind: str
    checks: dict[str, Filter]  # role -> filter the target must match


@dataclass(frozen=True)
class MinimumGroup:
    """The smallest group an aggregate may be shown over (statistical disclosure control), and who is exempt."""

    footprints: int = 5
    enterprises: int = 3
    exempt_roles: frozenset[str] = frozenset()

    def met(self, role: str, footprints: int, enterprises: int) -> bool:
        return role in self.exempt_roles or (footprints >= self.footprints and enterprises >= self.enterprises)


@dataclass(frozen=True)
class Policy:
    roles: dict[str, str]
    structural_types: frozenset[str]
    grants: dict[str, dict[str, tuple[Grant, ...]]]  # kind -> role -> grants
    mutations: dict[str, MutationRule]
    minimum_group: MinimumGroup = MinimumGroup()
    # query name -> roles that may ask peer hubs with it (hub/federation/query.py); absent = nobody
    federated_queries: dict[str, frozenset[str]] = field(default_factory=dict)

    def grants_for(self, kind: str, role: str) -> tuple[Grant, ...]:
        return self.grants[kind][role]

    def readable_fields(self, kind: str, role: str) -> frozenset[str]:
        """Every field some grant lets `role` read on some row of `kind`."""
        out: frozenset[str] = frozenset()
        for grant in self.grants_for(kind, role):
            out |= grant.fields
        return out

    def may_ask_peers(self, query: str, role: str) -> bool:
        return role in self.federated_queries.get(query, frozenset())

    def may_run(self, mutation: str, role: str) -> bool:
        return role in self.mutations[mutation].checks

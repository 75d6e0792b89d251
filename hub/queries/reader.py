"""One caller's reads: pooled connections for its statements, and its `Access` (policy + agreements)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, Row, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.auth.principal import Principal
from hub.clock import SYSTEM_CLOCK, Clock
from hub.db.models import SharingAgreement
from hub.decisions.registry import ShippedRuleSets
from hub.policy.access import Access, Agreement, active
from hub.policy.model import Policy

if TYPE_CHECKING:
    from hub.queries.counting import CountCache


class Reader:
    """Runs one caller's SELECTs (for its query functions and DataLoaders) under its policy view."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        policy: Policy,
        principal: Principal,
        rulesets: ShippedRuleSets,
        wanted: dict[str, frozenset[str]] | None = None,
        clock: Clock = SYSTEM_CLOCK,
        agreements: list[Agreement] | None = None,
        counts: CountCache | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.policy = policy
        self.principal = principal
        self.rulesets = rulesets  # the hub's shipped rule sets: documents and trace files are read from them
        # Fields the caller asks for, per kind (None: all): reads select only these of the readable ones.
        self.wanted = wanted
        self.clock = clock  # which sharing agreements are in force today
        self._access: Access | None = None
        # Given: read under exactly these agreements (a bundle for a peer, under the one that governs it);
        # None: under every agreement in force for the caller's region.
        self._given = agreements
        # The hub's cache of exact counts (hub/queries/counting.py); None: every count is counted.
        self.counts = counts

    async def execute(self, stmt: Executable) -> Sequence[Row[Any]]:
        # A pooled connection per statement, not per request: a request spends most of its time building
        # its response, and holding a connection through that starves concurrent requests of the pool.
        # (So the statements of one request do not share a snapshot: see docs/security.md, known gaps.)
        async with self.engine.connect() as conn:
            return (await conn.execute(stmt)).all()

    async def access(self) -> Access:
        if self._access is None:
            if self._given is not None:
                agreements = self._given
            else:
                agreements = await self._agreements() if self._needs_agreements() else []
            self._access = Access(self.policy, self.principal, agreements)
        return self._access

    def _needs_agreements(self) -> bool:
        role = self.principal.role.value
        return any(g.shared for by_role in self.policy.grants.values() for g in by_role[role])

    async def _agreements(self) -> list[Agreement]:
        if self.principal.region is None:
            return []
        today = self.clock.today()
        rows = await self.execute(
            select(
                SharingAgreement.iri,
                SharingAgreement.record_kinds,
                SharingAgreement.statuses,
                SharingAgreement.fields,
                SharingAgreement.valid_from,
                SharingAgreement.valid_until,
            ).where(SharingAgreement.region == self.principal.region)
        )
        found = [_agreement(r) for r in rows if active(r.valid_from, r.valid_until, today)]
        return [a for a in found if a is not None]

    async def close(self) -> None:
        """Nothing is held between statements; kept so callers need not know that."""


def _strings(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def _agreement(row: Row[Any] | SharingAgreement) -> Agreement | None:
    """A stored agreement as the policy reads it; None (grants nothing) if any of its lists is malformed."""
    kinds, statuses, fields = _strings(row.record_kinds), _strings(row.statuses), row.fields
    if kinds is None or statuses is None or not isinstance(fields, dict):
        return None
    by_kind = {kind: _strings(names) for kind, names in fields.items()}
    if any(names is None for names in by_kind.values()):
        return None
    return Agreement(
        iri=row.iri,
        kinds=frozenset(kinds),
        statuses=statuses,
        fields={kind: frozenset(names or ()) for kind, names in by_kind.items()},
    )


def agreement_in_force(agreement: SharingAgreement, today: date) -> Agreement | None:
    """A stored agreement as the policy reads it, when it is in force `today` and well formed; None otherwise."""
    return _agreement(agreement) if active(agreement.valid_from, agreement.valid_until, today) else None

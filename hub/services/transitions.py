"""Use cases that move a footprint through its life and then decide it again: one function each, so the CLI,
GraphQL and the REST and exchange paths take the same steps in the same transaction.

A transition that loses a race (see `footprints.move`) raises before anything is decided, so the footprint
gets one set of decisions per change that happened.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint, Organization
from hub.domain.codes import FootprintStatus, SourceKind
from hub.labels import lifecycle
from hub.pact import requests as pact_requests
from hub.services import decisions, footprints
from hub.services.origin import Origin


async def verify_and_decide(
    session: AsyncSession,
    footprint: Footprint,
    verifier: Organization,
    statement: str,
    standard: str | None,
    origin: Origin,
    base_iri: str,
    today: date,
) -> Footprint:
    """The verifier's positive statement, dated `today`, then the rule sets' decisions on the footprint."""
    await footprints.verify(session, footprint, verifier, statement, today, origin, standard)
    await decisions.decide_after_change(session, footprint, origin, base_iri, today)
    return footprint


async def move_and_decide(
    session: AsyncSession, footprint: Footprint, new: FootprintStatus, origin: Origin, base_iri: str, today: date
) -> Footprint:
    """Publish or withdraw (any allowed move), then decide the footprint again as of `today`. Publishing a new
    version ends the labels of the one it supersedes (hub/labels: the `supersede` step)."""
    await footprints.move(session, footprint, new, origin)
    if new is FootprintStatus.PUBLISHED:
        await lifecycle.supersede(session, footprint, _system(origin, base_iri), base_iri, today)
    await decisions.decide_after_change(session, footprint, origin, base_iri, today)
    if new is FootprintStatus.PUBLISHED:  # partners sent an older version hear of this one (PACT PublishedEvent)
        await pact_requests.announce_newer_version(session, footprint)
    return footprint


def _system(origin: Origin, base_iri: str) -> Origin:
    """The hub itself, acting because of `origin`'s step."""
    return Origin(
        actor=f"{base_iri}system", source=SourceKind.SYSTEM, source_ref=f"after {origin.actor}", clock=origin.clock
    )

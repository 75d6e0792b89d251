"""Take a new label to a given state the way a label gets there: step by step along the machine's shortest path,
each step by the service a caller would run, as the organization whose role takes it. For the demo data and
for tests that need a label in each state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint, Label, Organization
from hub.domain.codes import LabelStatus, SourceKind
from hub.labels import lifecycle
from hub.labels.machine import SYSTEM, machine
from hub.services.origin import Origin


@dataclass(frozen=True)
class Cast:
    """Who takes the steps: the footprint's owner, the certification body it names, the regulator."""

    owner: Organization
    certifier: Organization
    regulator: Organization
    source: SourceKind = SourceKind.DIRECT
    source_ref: str | None = None


async def walk(
    session: AsyncSession,
    footprint: Footprint,
    to: LabelStatus,
    cast: Cast,
    scheme: str,
    reason: str,
    base_iri: str,
    today: date,
) -> Label:
    """A new label on `footprint` under `scheme`, taken to `to`; `reason` for each step that needs one."""
    steps = machine().path(to)
    by_role = {"enterprise": cast.owner, "verifier": cast.certifier, "regulator": cast.regulator}
    label: Label | None = None
    for step in steps:
        actor = by_role[step.role].iri if step.role != SYSTEM else f"{base_iri}system"
        origin = Origin(actor=actor, source=cast.source, source_ref=cast.source_ref)
        if label is None:
            label = await lifecycle.apply(session, footprint, scheme, cast.certifier, origin, base_iri, today)
        elif step.name in ("certify", "refuse"):
            run = lifecycle.certify if step.name == "certify" else lifecycle.refuse
            await run(session, label, cast.certifier, reason, origin, base_iri, today)
        elif step.name == "file":
            await lifecycle.file(session, label, origin, base_iri, today)
        elif step.name == "issue":
            await lifecycle.issue(session, label, None, origin, base_iri, today)
        elif step.name == "recheck":
            await lifecycle.recheck(session, label, reason, origin, base_iri, today)
        elif step.role == SYSTEM:
            await lifecycle.change(session, label, step.name, origin, base_iri, today, reason, {})
        else:
            await lifecycle.supervise(session, label, step.name, reason, origin, base_iri, today)
    assert label is not None
    return label

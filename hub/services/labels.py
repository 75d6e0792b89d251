"""Use cases for carbon labels: issue one for a published footprint, suspend it, revoke it."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Decision, Footprint, Label
from hub.domain.codes import FootprintStatus, LabelStatus
from hub.services import audit
from hub.services.origin import Origin, new_iri
from hub.validation import FieldError, InvalidInput

# Which label status may follow which.
LABEL_TRANSITIONS: dict[LabelStatus, frozenset[LabelStatus]] = {
    LabelStatus.ISSUED: frozenset({LabelStatus.SUSPENDED, LabelStatus.REVOKED}),
    LabelStatus.SUSPENDED: frozenset({LabelStatus.ISSUED, LabelStatus.REVOKED}),
    LabelStatus.REVOKED: frozenset(),
}


async def issue_label(
    session: AsyncSession, footprint: Footprint, data: dict[str, Any], origin: Origin, base_iri: str
) -> Label:
    """Issue a label with the grade and score of the newest label decision of the rules engine."""
    problems: list[FieldError] = []
    if footprint.status is not FootprintStatus.PUBLISHED:
        problems.append(FieldError("$.footprint_id", f"is {footprint.status.value}; labels need a published one"))
    decision = await newest_label_decision(session, footprint.id)
    if decision is None:
        problems.append(FieldError("$.footprint_id", "has no label decision of the rules engine"))
    elif not decision.passed:
        reasons = ", ".join(decision.outcome.get("reasons") or []) or decision.status
        problems.append(FieldError("$.footprint_id", f"was not graded by {decision.ruleset_id}: {reasons}"))
    if not str(data.get("scheme") or "").strip():
        problems.append(FieldError("$.scheme", "is required"))
    issued_on: date = data.get("issued_on") or date.today()
    expires_on: date | None = data.get("expires_on")
    if expires_on is None:
        problems.append(FieldError("$.expires_on", "is required"))
    elif expires_on <= issued_on:
        problems.append(FieldError("$.expires_on", "must be after issued_on"))
    if problems:
        raise InvalidInput(problems)
    assert decision is not None and expires_on is not None
    label = Label(
        iri=new_iri(base_iri, "label"),
        footprint_id=footprint.id,
        scheme=data["scheme"],
        grade=decision.grade,
        score=decision.score,
        decided_by_ruleset=decision.ruleset_id or "",
        decided_by_ruleset_version=decision.ruleset_version or "",
        serial=f"ZJ-PCF-{issued_on:%Y}-{secrets.token_hex(5).upper()}",
        issued_on=issued_on,
        expires_on=expires_on,
        status=LabelStatus.ISSUED,
    )
    Origin(
        origin.actor,
        origin.source,
        origin.source_ref,
        ruleset_id=decision.ruleset_id,
        ruleset_version=decision.ruleset_version,
    ).stamp(label)
    session.add(label)
    await session.flush()
    await audit.record(session, origin.actor, "issue", "Label", label.iri, {"footprint": footprint.iri})
    return label


async def set_status(session: AsyncSession, label: Label, new: LabelStatus, origin: Origin, reason: str) -> Label:
    if new not in LABEL_TRANSITIONS[label.status]:
        raise InvalidInput([FieldError("$.status", f"cannot go from {label.status.value} to {new.value}")])
    if not reason.strip():
        raise InvalidInput([FieldError("$.reason", "must not be empty")])
    old = label.status
    label.status = new
    await session.flush()
    await audit.record(
        session,
        origin.actor,
        f"status:{new.value}",
        "Label",
        label.iri,
        {"from": old.value, "reason": reason},
    )
    return label


async def newest_label_decision(session: AsyncSession, footprint_id: int) -> Decision | None:
    return await session.scalar(
        select(Decision)
        .where(Decision.footprint_id == footprint_id, Decision.kind == "label_grade")
        .order_by(Decision.id.desc())
        .limit(1)
    )

"""Use cases for carbon labels: issue one for a published footprint, suspend it, revoke it."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint, Label
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
    """Issue a label. The grade or score comes from a rule set's decision, named in `data`."""
    problems: list[FieldError] = []
    if footprint.status is not FootprintStatus.PUBLISHED:
        problems.append(FieldError("$.footprint", f"is {footprint.status.value}; labels need a published one"))
    for name in ("scheme", "decided_by_ruleset", "decided_by_ruleset_version"):
        if not str(data.get(name) or "").strip():
            problems.append(FieldError(f"$.{name}", "is required"))
    if data.get("grade") is None and data.get("score") is None:
        problems.append(FieldError("$.grade", "a label needs a grade or a score"))
    issued_on: date = data.get("issued_on") or date.today()
    expires_on: date | None = data.get("expires_on")
    if expires_on is None:
        problems.append(FieldError("$.expires_on", "is required"))
    elif expires_on <= issued_on:
        problems.append(FieldError("$.expires_on", "must be after issued_on"))
    if problems:
        raise InvalidInput(problems)
    label = Label(
        iri=new_iri(base_iri, "label"),
        footprint_id=footprint.id,
        scheme=data["scheme"],
        grade=data.get("grade"),
        score=data.get("score"),
        decided_by_ruleset=data["decided_by_ruleset"],
        decided_by_ruleset_version=data["decided_by_ruleset_version"],
        serial=f"ZJ-PCF-{issued_on:%Y}-{secrets.token_hex(5).upper()}",
        issued_on=issued_on,
        expires_on=expires_on,
        status=LabelStatus.ISSUED,
    )
    origin.stamp(label)
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

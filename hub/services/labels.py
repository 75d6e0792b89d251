"""Use cases for carbon labels: issue one for a published footprint, suspend it, revoke it."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from hub.credentials import status_list
from hub.db.models import ONE_LABEL_IN_FORCE, Decision, Footprint, Label
from hub.domain.codes import FootprintStatus, LabelStatus
from hub.services import audit
from hub.services.conflicts import conflict_as
from hub.services.origin import Origin, new_iri
from hub.validation import FieldError, InvalidInput

# Which label status may follow which.
LABEL_TRANSITIONS: dict[LabelStatus, frozenset[LabelStatus]] = {
    LabelStatus.ISSUED: frozenset({LabelStatus.SUSPENDED, LabelStatus.REVOKED}),
    LabelStatus.SUSPENDED: frozenset({LabelStatus.ISSUED, LabelStatus.REVOKED}),
    LabelStatus.REVOKED: frozenset(),
}


# Plausible label dates: none before 2000; issued at most a year ahead of the hub's today; valid at most ten years.
EARLIEST = date(2000, 1, 1)
ISSUED_AHEAD_YEARS = 1
VALID_YEARS = 10


async def issue_label(
    session: AsyncSession, footprint: Footprint, data: dict[str, Any], origin: Origin, base_iri: str, today: date
) -> Label:
    """Issue a label with the grade and score of the newest label decision of the rules engine: one in force
    per footprint and scheme (the partial unique index settles two issued at once)."""
    problems: list[FieldError] = []
    if footprint.status is not FootprintStatus.PUBLISHED:
        problems.append(FieldError("$.footprint_id", f"is {footprint.status.value}; labels need a published one"))
    decision = await newest_label_decision(session, footprint.id)
    if decision is None:
        problems.append(FieldError("$.footprint_id", "has no label decision of the rules engine"))
    elif not decision.passed:
        reasons = ", ".join(decision.outcome.get("reasons") or []) or decision.status
        problems.append(FieldError("$.footprint_id", f"was not graded by {decision.ruleset_id}: {reasons}"))
    scheme = str(data.get("scheme") or "").strip()
    if not scheme:
        problems.append(FieldError("$.scheme", "is required"))
    elif in_force := await label_in_force(session, footprint.id, scheme):
        problems.append(FieldError("$.scheme", _in_force(scheme, in_force)))
    issued_on: date = data.get("issued_on") or today
    expires_on: date | None = data.get("expires_on")
    problems += date_problems(issued_on, expires_on, today)
    if problems:
        raise InvalidInput(problems)
    assert decision is not None and expires_on is not None
    label = Label(
        iri=new_iri(base_iri, "label"),
        footprint_id=footprint.id,
        scheme=scheme,
        grade=decision.grade,
        score=decision.score,
        decided_by_ruleset=decision.ruleset_id or "",
        decided_by_ruleset_version=decision.ruleset_version or "",
        serial=f"ZJ-PCF-{issued_on:%Y}-{secrets.token_hex(5).upper()}",
        issued_on=issued_on,
        expires_on=expires_on,
        status=LabelStatus.ISSUED,
    )
    replace(origin, ruleset_id=decision.ruleset_id, ruleset_version=decision.ruleset_version).stamp(label)
    session.add(label)
    async with conflict_as(ONE_LABEL_IN_FORCE, FieldError("$.scheme", _in_force(scheme, None))):
        await session.flush()
    await audit.record(session, origin.actor, "issue", "Label", label.iri, {"footprint": footprint.iri})
    return label


def _in_force(scheme: str, iri: str | None) -> str:
    which = f": {iri}" if iri else ""
    return f"the footprint has a {scheme} label in force already{which}; revoke it before issuing another"


def date_problems(issued_on: date, expires_on: date | None, today: date) -> list[FieldError]:
    """Label dates a reader can believe: from 2000 on, issued at most a year ahead of `today`, not expired
    yet, and valid for at most ten years."""
    problems: list[FieldError] = []
    latest_issue = _years_after(today, ISSUED_AHEAD_YEARS)
    if not EARLIEST <= issued_on <= latest_issue:
        problems.append(FieldError("$.issued_on", f"must be between {EARLIEST} and {latest_issue}"))
    if expires_on is None:
        problems.append(FieldError("$.expires_on", "is required"))
    elif expires_on <= issued_on:
        problems.append(FieldError("$.expires_on", "must be after issued_on"))
    elif expires_on <= today:
        problems.append(FieldError("$.expires_on", f"must be after today ({today}): the label would be expired"))
    elif expires_on > _years_after(issued_on, VALID_YEARS):
        problems.append(FieldError("$.expires_on", f"must be at most {VALID_YEARS} years after issued_on"))
    return problems


def _years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


async def label_in_force(session: AsyncSession, footprint_id: int, scheme: str) -> str | None:
    """The IRI of the footprint's issued or suspended label in `scheme`, if it has one."""
    return await session.scalar(
        select(Label.iri).where(
            Label.footprint_id == footprint_id, Label.scheme == scheme, Label.status != LabelStatus.REVOKED
        )
    )


async def set_status(session: AsyncSession, label: Label, new: LabelStatus, origin: Origin, reason: str) -> Label:
    """Suspend, reinstate or revoke a label: one compare-and-set on the status the caller saw, like a
    footprint's moves (`footprints.move`), so two callers at once cannot both change it."""
    seen = label.status
    if new not in LABEL_TRANSITIONS[seen]:
        raise InvalidInput([FieldError("$.status", f"is {seen.value}; cannot go from {seen.value} to {new.value}")])
    if not reason.strip():
        raise InvalidInput([FieldError("$.reason", "must not be empty")])
    result = await session.execute(
        update(Label)
        .where(Label.id == label.id, Label.status == seen)
        .values(status=new)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        now = await session.scalar(select(Label.status).where(Label.id == label.id))
        reason_now = f"is {LabelStatus(now or seen).value} now; cannot go from {seen.value} to {new.value}"
        raise InvalidInput([FieldError("$.status", reason_now)])
    set_committed_value(label, "status", new)
    await status_list.on_label_status(session, label)
    await audit.record(
        session,
        origin.actor,
        f"status:{new.value}",
        "Label",
        label.iri,
        {"from": seen.value, "reason": reason},
    )
    return label


async def newest_label_decision(session: AsyncSession, footprint_id: int) -> Decision | None:
    return await session.scalar(
        select(Decision)
        .where(Decision.footprint_id == footprint_id, Decision.kind == "label_grade")
        .order_by(Decision.id.desc())
        .limit(1)
    )

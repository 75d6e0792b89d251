"""Use cases for a carbon label's life: one function per step of the machine (hub/labels/machine.yaml), each
moving the label through `change`, the one place a label's status changes.

`change` is a compare-and-set on the label's `revision` (bumped by every step): of many callers taking a step
at once exactly one wins and the others are told what the label is now. It writes the label's history
(`LabelEvent`) and the audit trail in the same transaction. Hook anything that must follow a status change
(a credential's status list) here, and only here.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from hub.credentials import status_list
from hub.db.models import ONE_LABEL_IN_FORCE, Decision, Footprint, Label, LabelEvent, Organization
from hub.domain.codes import FootprintStatus, LabelStatus, OrgKind
from hub.labels.machine import illegal, machine
from hub.labels.periods import date_problems, months_after
from hub.services import audit
from hub.services.conflicts import conflict_as
from hub.services.origin import Origin, new_iri
from hub.validation import FieldError, InvalidInput

MAX_TEXT = 2000  # statements and reasons: a paragraph, not a document
MAX_SCHEME = 64


async def apply(
    session: AsyncSession,
    footprint: Footprint,
    scheme: str,
    certifier: Organization,
    origin: Origin,
    base_iri: str,
    today: date,
) -> Label:
    """The owner applies for a label on its verified (or published) footprint under `scheme`, naming the
    accredited certification body that is to review it. One label in force per footprint and scheme."""
    problems: list[FieldError] = []
    if footprint.status not in (FootprintStatus.VERIFIED, FootprintStatus.PUBLISHED):
        problems.append(FieldError("$.footprint_id", f"is {footprint.status.value}; labels need a verified one"))
    scheme = scheme.strip()
    if not scheme or len(scheme) > MAX_SCHEME or not scheme.isprintable():
        problems.append(FieldError("$.scheme", f"must be 1 to {MAX_SCHEME} printable characters"))
    problems += _certifier_problems(certifier, "$.certifier_id")
    decision = await _decision_problems(session, footprint.id, problems)
    if scheme and not problems and (held := await _in_force(session, footprint.id, scheme)):
        problems.append(FieldError("$.scheme", _held(scheme, held)))
    if problems:
        raise InvalidInput(problems)
    assert decision is not None
    label = Label(
        iri=new_iri(base_iri, "label"),
        footprint_id=footprint.id,
        scheme=scheme,
        certifier_id=certifier.id,
        applied_on=today,
        status=LabelStatus.APPLIED,
        status_on=today,
        revision=0,
    )
    _take_grade(label, decision)
    replace(origin, ruleset_id=decision.ruleset_id, ruleset_version=decision.ruleset_version).stamp(label)
    session.add(label)
    async with conflict_as(ONE_LABEL_IN_FORCE, FieldError("$.scheme", _held(scheme, None))):
        await session.flush()
    await _event(session, label, "apply", None, origin, base_iri, today, None, {"footprint": footprint.iri})
    await audit.record(session, origin.actor, "label:apply", "Label", label.iri, {"footprint": footprint.iri})
    return label


async def certify(
    session: AsyncSession, label: Label, body: Organization, statement: str, origin: Origin, base_iri: str, today: date
) -> Label:
    """The certification body named in the application certifies it; the grade is the newest decision's."""
    text = _text(statement, "$.statement")
    _raise(_certifier_problems(body, "$.caller"))
    problems: list[FieldError] = []
    decision = await _decision_problems(session, label.footprint_id, problems)
    _raise(problems)
    assert decision is not None
    values = {"certified_on": today, "certification_statement": text, **_grade_values(decision)}
    return await change(session, label, "certify", origin, base_iri, today, text, values)


async def refuse(
    session: AsyncSession, label: Label, body: Organization, statement: str, origin: Origin, base_iri: str, today: date
) -> Label:
    text = _text(statement, "$.statement")
    _raise(_certifier_problems(body, "$.caller"))
    values = {"certification_statement": text}
    return await change(session, label, "refuse", origin, base_iri, today, text, values)


async def file(session: AsyncSession, label: Label, origin: Origin, base_iri: str, today: date) -> Label:
    """The regulator files a certified label (备案): a filing number of its own."""
    values = {"filed_on": today, "filing_number": f"ZJ-BA-{today:%Y}-{secrets.token_hex(5).upper()}"}
    return await change(session, label, "file", origin, base_iri, today, None, values)


async def issue(
    session: AsyncSession, label: Label, expires_on: date | None, origin: Origin, base_iri: str, today: date
) -> Label:
    """The regulator issues a filed label on a published footprint, valid from today for the machine's period
    (or to `expires_on`), with a serial and the first re-check due; the grade is the newest decision's."""
    problems: list[FieldError] = []
    status = await session.scalar(select(Footprint.status).where(Footprint.id == label.footprint_id))
    if status is not FootprintStatus.PUBLISHED:
        problems.append(FieldError("$.label_id", f"labels a {status} footprint; publish it before issuing"))
    decision = await _decision_problems(session, label.footprint_id, problems)
    rules = machine()
    expires = expires_on or months_after(today, rules.validity_months)
    problems += date_problems(today, expires, today)
    _raise(problems)
    assert decision is not None
    values = {
        "serial": f"ZJ-PCF-{today:%Y}-{secrets.token_hex(5).upper()}",
        "issued_on": today,
        "expires_on": expires,
        "next_recheck_on": min(months_after(today, rules.recheck_months), expires),
        **_grade_values(decision),
    }
    return await change(session, label, "issue", origin, base_iri, today, None, values)


async def recheck(
    session: AsyncSession, label: Label, finding: str, origin: Origin, base_iri: str, today: date
) -> Label:
    """A supervision re-check found the label sound: the next one is due a period from today."""
    text = _text(finding, "$.finding")
    due = months_after(today, machine().recheck_months)
    if label.expires_on is not None:
        due = min(due, label.expires_on)
    return await change(session, label, "recheck", origin, base_iri, today, text, {"next_recheck_on": due})


async def supervise(
    session: AsyncSession, label: Label, step: str, reason: str, origin: Origin, base_iri: str, today: date
) -> Label:
    """Suspend, reinstate or revoke, with a reason."""
    if step not in ("suspend", "reinstate", "revoke"):
        raise ValueError(f"{step} is not a supervision step")
    return await change(session, label, step, origin, base_iri, today, _text(reason, "$.reason"), {})


async def expire_due(session: AsyncSession, origin: Origin, base_iri: str, today: date) -> list[str]:
    """The expiry job: every issued or suspended label whose last day of validity is before `today` expires.
    Run it daily (`cfhub labels expire`); running it twice on one day changes nothing the second time."""
    sources = machine().step("expire").sources
    due = await session.scalars(
        select(Label).where(Label.status.in_(sources), Label.expires_on < today).order_by(Label.id)
    )
    expired = []
    for label in list(due):
        reason = f"valid until {label.expires_on}"
        await change(session, label, "expire", origin, base_iri, today, reason, {})
        expired.append(label.iri)
    return expired


async def supersede(session: AsyncSession, footprint: Footprint, origin: Origin, base_iri: str, today: date) -> None:
    """A new version of a footprint was published: the labels in force on the version it supersedes end, so
    that no label speaks for a footprint that is no longer current; the enterprise applies on the new one."""
    if footprint.supersedes_id is None:
        return
    sources = machine().step("supersede").sources
    held = await session.scalars(
        select(Label).where(Label.footprint_id == footprint.supersedes_id, Label.status.in_(sources))
    )
    for label in list(held):
        reason = f"superseded by footprint version {footprint.version}: {footprint.iri}"
        await change(session, label, "supersede", origin, base_iri, today, reason, {})


async def change(
    session: AsyncSession,
    label: Label,
    step_name: str,
    origin: Origin,
    base_iri: str,
    today: date,
    reason: str | None,
    values: dict[str, Any],
) -> Label:
    """Take step `step_name` on `label`: refused unless the machine allows it from the status the caller saw;
    one compare-and-set on the label's revision, so that of steps taken at once exactly one wins."""
    seen, revision = label.status, label.revision
    step = machine().require(step_name, seen)
    written = {"status": step.target, "status_on": today, "status_reason": reason, **values}
    result = await session.execute(
        update(Label)
        .where(Label.id == label.id, Label.revision == revision, Label.status == seen)
        .values(revision=revision + 1, **written)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        now = await session.scalar(select(Label.status).where(Label.id == label.id))
        current = LabelStatus(now or seen)
        if current not in step.sources:
            raise InvalidInput([illegal(step, current)])
        raise InvalidInput([FieldError("$.status", f"is {current.value} and changed meanwhile; try again")])
    for name, value in {"revision": revision + 1, **written}.items():
        set_committed_value(label, name, value)
    await status_list.on_label_status(session, label)  # the credential's status lists follow the label
    await _event(session, label, step_name, seen, origin, base_iri, today, reason, {})
    await audit.record(
        session, origin.actor, f"label:{step_name}", "Label", label.iri, {"from": seen.value, "reason": reason}
    )
    return label


async def regraded(
    session: AsyncSession,
    label: Label,
    decision: Decision,
    origin: Origin,
    base_iri: str,
    today: date,
    why: dict[str, Any],
) -> None:
    """The label takes its new grade from a re-grading (hub/labels/regrade.py): no status change, but a step in
    its history with the reason, so that the enterprise sees what changed and why."""
    old = {"grade": label.grade, "score": label.score}
    new = _grade_values(decision)
    reason = f"re-graded by {decision.ruleset_id} {decision.ruleset_version}: {old['grade']} -> {new['grade']}"
    await _regrade_step(session, label, new, origin, base_iri, today, reason, {"old": old, **why})


async def ineligible(
    session: AsyncSession,
    label: Label,
    decision: Decision,
    reason: str,
    origin: Origin,
    base_iri: str,
    today: date,
    why: dict[str, Any],
) -> None:
    """A re-grading found the labelled footprint no longer eligible (`decision`): the label keeps the grade it was
    given, its history says why that no longer holds; an issued one is then suspended by the caller."""
    await _regrade_step(session, label, {"decision_id": decision.id}, origin, base_iri, today, reason, why)


async def _regrade_step(
    session: AsyncSession,
    label: Label,
    values: dict[str, Any],
    origin: Origin,
    base_iri: str,
    today: date,
    reason: str,
    detail: dict[str, Any],
) -> None:
    result = await session.execute(
        update(Label)
        .where(Label.id == label.id, Label.revision == label.revision)
        .values(revision=label.revision + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        raise InvalidInput([FieldError("$.status", f"label {label.iri} changed meanwhile; try again")])
    for name, value in {"revision": label.revision + 1, **values}.items():
        set_committed_value(label, name, value)
    await _event(session, label, "regrade", label.status, origin, base_iri, today, reason, detail)
    await audit.record(session, origin.actor, "label:regrade", "Label", label.iri, {"reason": reason})


async def _event(
    session: AsyncSession,
    label: Label,
    step: str,
    seen: LabelStatus | None,
    origin: Origin,
    base_iri: str,
    today: date,
    reason: str | None,
    detail: dict[str, Any],
) -> None:
    event = LabelEvent(
        iri=new_iri(base_iri, "label-event"),
        label_id=label.id,
        step=step,
        from_status=None if seen is None else seen.value,
        to_status=label.status.value,
        on=today,
        reason=reason,
        detail=detail,
    )
    origin.stamp(event)
    session.add(event)
    await session.flush()


async def newest_label_decision(session: AsyncSession, footprint_id: int) -> Decision | None:
    """The rules engine's label decision in force on the footprint: the newest (decisions are never edited)."""
    return await session.scalar(
        select(Decision)
        .where(Decision.footprint_id == footprint_id, Decision.kind == "label_grade")
        .order_by(Decision.id.desc())
        .limit(1)
    )


async def _decision_problems(session: AsyncSession, footprint_id: int, problems: list[FieldError]) -> Decision | None:
    """The rules engine's newest label decision on the footprint, when it graded it; else a problem."""
    decision = await newest_label_decision(session, footprint_id)
    if decision is None:
        problems.append(FieldError("$.footprint_id", "has no label decision of the rules engine"))
    elif not decision.passed:
        reasons = ", ".join(decision.outcome.get("reasons") or []) or decision.status
        problems.append(FieldError("$.footprint_id", f"was not graded by {decision.ruleset_id}: {reasons}"))
    return decision


def _grade_values(decision: Decision) -> dict[str, Any]:
    return {
        "grade": decision.grade,
        "score": decision.score,
        "decided_by_ruleset": decision.ruleset_id or "",
        "decided_by_ruleset_version": decision.ruleset_version or "",
        "decision_id": decision.id,
    }


def _take_grade(label: Label, decision: Decision) -> None:
    for name, value in _grade_values(decision).items():
        setattr(label, name, value)


def _certifier_problems(body: Organization, field: str) -> list[FieldError]:
    """A certification body is a verifier organization holding an accreditation (e.g. CNAS)."""
    if body.kind is not OrgKind.VERIFIER or not (body.accreditation or "").strip():
        return [FieldError(field, f"is not an accredited certification body: {body.iri}")]
    return []


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput([FieldError(field, "must not be empty")])
    if len(text) > MAX_TEXT:
        raise InvalidInput([FieldError(field, f"must be at most {MAX_TEXT} characters")])
    return text


def _raise(problems: list[FieldError]) -> None:
    if problems:
        raise InvalidInput(problems)


async def _in_force(session: AsyncSession, footprint_id: int, scheme: str) -> str | None:
    return await session.scalar(
        select(Label.iri).where(
            Label.footprint_id == footprint_id, Label.scheme == scheme, Label.status.in_(machine().in_force())
        )
    )


def _held(scheme: str, iri: str | None) -> str:
    which = f": {iri}" if iri else ""
    return f"the footprint has a {scheme} label in force already{which}; it must end before another is applied for"

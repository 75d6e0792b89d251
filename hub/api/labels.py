"""The carbon label's life in GraphQL: one mutation per step of the machine (hub/labels/machine.yaml), each
running its service in one unit of work (`mutations._write`), and the label's history. Resolvers decode, call a
service, encode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, cast

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.mutations import FieldErrorType, _caller, _today, _write
from hub.api.types import Label, LabelEvent, view, views
from hub.db import models as m
from hub.labels import lifecycle, regrade
from hub.policy.access import Access
from hub.queries.records import fetch
from hub.queries.targets import target
from hub.services.lookups import by_iri as model_by_iri
from hub.services.origin import Origin
from hub.services.published import effective_registry
from hub.services.uow import unit_of_work
from hub.validation import FieldError, InvalidInput


@strawberry.type
class LabelPayload:
    label: Label | None
    errors: list[FieldErrorType]


@strawberry.input
class LabelApplication:
    """What the enterprise chooses; grade and score are never input: they are the rules engine's decision."""

    certifier_id: strawberry.ID = strawberry.field(description="An accredited certification body (a verifier).")
    scheme: str = "ZJ-PCF-LABEL"


Step = Callable[[AsyncSession, m.Label, Origin, str, date], Awaitable[m.Label]]


async def _step(info: Info[Context, None], mutation: str, label_id: str, step: Step) -> LabelPayload:
    """Find the label the caller may take `mutation` on, take the step, return the label as the caller reads it."""

    async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
        label = await target(session, access, mutation, m.Label, label_id, "$.label_id")
        await step(session, label, origin, info.context.hub.settings.base_iri, _today(info))
        return label_id

    record, errors = await _write(info, mutation, work)
    return LabelPayload(label=None if record is None else view(Label, record), errors=errors)


@strawberry.type(description="A label whose grade, score or eligibility the rule sets in force would change.")
class LabelRegradeItem:
    label_id: strawberry.ID
    footprint_id: strawberry.ID
    status: str
    old: JSON = strawberry.field(description="grade, score, eligible, and the rule set that decided them")
    new: JSON = strawberry.field(description="grade, score, eligible under the rule sets in force")
    why: JSON = strawberry.field(description="checks now failing or passing, outcome entries changed (old, new)")


@strawberry.type
class LabelRegradePayload:
    changes: list[LabelRegradeItem]
    errors: list[FieldErrorType]


def _items(changes: list[regrade.Change]) -> list[LabelRegradeItem]:
    return [
        LabelRegradeItem(
            label_id=strawberry.ID(c.label_iri),
            footprint_id=strawberry.ID(c.footprint_iri),
            status=c.status,
            old=cast(JSON, c.old),
            new=cast(JSON, c.new),
            why=cast(JSON, c.why),
        )
        for c in changes
    ]


async def _regrade(info: Info[Context, None], expect: int | None) -> list[regrade.Change]:
    """The report (or its application) for a caller the policy lets apply it: the same rule for both, so that
    whoever may re-grade reads first what it would change, and nobody else reads other enterprises' futures."""
    ctx = info.context
    (await ctx.reader.access()).mutation_check("applyRegrade")
    if expect is not None and expect < 0:
        raise InvalidInput([FieldError("$.expect", f"must be 0 or more: {expect}")])
    origin = Origin(actor=ctx.principal.actor, clock=ctx.hub.clock)
    async with unit_of_work(ctx.hub.sessions) as session:
        registry = await effective_registry(session)
        today = _today(info)
        if expect is None:
            return await regrade.report(session, registry, today)
        return await regrade.apply(session, registry, origin, ctx.hub.settings.base_iri, today, expect)


@strawberry.type
class LabelsQuery:
    @strawberry.field(
        description="Labels in force whose grade, score or eligibility the rule sets now in force would change, "
        "and why (computed by the batch evaluator); nothing is changed until `applyRegrade`."
    )
    async def label_regrade_report(self, info: Info[Context, None]) -> list[LabelRegradeItem]:
        return _items(await _regrade(info, None))

    @strawberry.field(description="A label's history: every step with its day and reason, as the caller may read.")
    async def label_history(self, info: Info[Context, None], label_id: strawberry.ID) -> list[LabelEvent]:
        label = select(m.Label.id).where(m.Label.iri == label_id).scalar_subquery()
        events = await fetch(
            info.context.reader, "LabelEvent", m.LabelEvent.label_id == label, order_by=[m.LabelEvent.id]
        )
        return views(LabelEvent, events)


@strawberry.type
class LabelsMutation:
    @strawberry.mutation(description="Apply for a label on the caller's verified footprint (-> applied).")
    async def apply_for_label(
        self, info: Info[Context, None], footprint_id: strawberry.ID, input: LabelApplication
    ) -> LabelPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            fp = await target(session, access, "applyForLabel", m.Footprint, footprint_id, "$.footprint_id")
            body = await model_by_iri(session, m.Organization, input.certifier_id, "$.certifier_id")
            base = info.context.hub.settings.base_iri
            label = await lifecycle.apply(session, fp, input.scheme, body, origin, base, _today(info))
            return label.iri

        record, errors = await _write(info, "applyForLabel", work)
        return LabelPayload(label=None if record is None else view(Label, record), errors=errors)

    @strawberry.mutation(description="The named certification body certifies the label (applied -> certified).")
    async def certify_label(self, info: Info[Context, None], label_id: strawberry.ID, statement: str) -> LabelPayload:
        async def step(session: AsyncSession, label: m.Label, origin: Origin, base: str, today: date) -> m.Label:
            body = await _caller(session, info)
            return await lifecycle.certify(session, label, body, statement, origin, base, today)

        return await _step(info, "certifyLabel", label_id, step)

    @strawberry.mutation(description="The named certification body refuses the label (applied -> refused).")
    async def refuse_label(self, info: Info[Context, None], label_id: strawberry.ID, statement: str) -> LabelPayload:
        async def step(session: AsyncSession, label: m.Label, origin: Origin, base: str, today: date) -> m.Label:
            body = await _caller(session, info)
            return await lifecycle.refuse(session, label, body, statement, origin, base, today)

        return await _step(info, "refuseLabel", label_id, step)

    @strawberry.mutation(description="File a certified label (备案) with a filing number (certified -> filed).")
    async def file_label(self, info: Info[Context, None], label_id: strawberry.ID) -> LabelPayload:
        return await _step(info, "fileLabel", label_id, lifecycle.file)

    @strawberry.mutation(
        description="Issue a filed label with a serial, valid from today for the scheme's period unless "
        "`expiresOn` says otherwise (filed -> issued)."
    )
    async def issue_label(
        self, info: Info[Context, None], label_id: strawberry.ID, expires_on: date | None = None
    ) -> LabelPayload:
        async def step(session: AsyncSession, label: m.Label, origin: Origin, base: str, today: date) -> m.Label:
            return await lifecycle.issue(session, label, expires_on, origin, base, today)

        return await _step(info, "issueLabel", label_id, step)

    @strawberry.mutation(description="Record a re-check that found an issued label sound; the next one is due later.")
    async def recheck_label(self, info: Info[Context, None], label_id: strawberry.ID, finding: str) -> LabelPayload:
        async def step(session: AsyncSession, label: m.Label, origin: Origin, base: str, today: date) -> m.Label:
            return await lifecycle.recheck(session, label, finding, origin, base, today)

        return await _step(info, "recheckLabel", label_id, step)

    @strawberry.mutation(description="Suspend an issued label, with a reason (issued -> suspended).")
    async def suspend_label(self, info: Info[Context, None], label_id: strawberry.ID, reason: str) -> LabelPayload:
        return await _step(info, "suspendLabel", label_id, _supervise("suspend", reason))

    @strawberry.mutation(description="Put a suspended label back in force, with a reason (suspended -> issued).")
    async def reinstate_label(self, info: Info[Context, None], label_id: strawberry.ID, reason: str) -> LabelPayload:
        return await _step(info, "reinstateLabel", label_id, _supervise("reinstate", reason))

    @strawberry.mutation(description="Revoke a label for good, with a reason (issued or suspended -> revoked).")
    async def revoke_label(self, info: Info[Context, None], label_id: strawberry.ID, reason: str) -> LabelPayload:
        return await _step(info, "revokeLabel", label_id, _supervise("revoke", reason))


@strawberry.type
class RegradeMutation:
    @strawberry.mutation(
        description="Give the labels in `labelRegradeReport` their new outcome: new grades, and issued labels no "
        "longer eligible suspended with the reason; each a step in the label's history."
    )
    async def apply_regrade(
        self,
        info: Info[Context, None],
        expect: Annotated[
            int, strawberry.argument(description="How many changes the report showed: applied only then.")
        ],
    ) -> LabelRegradePayload:
        try:
            changes = await _regrade(info, expect)
        except InvalidInput as exc:
            return LabelRegradePayload(
                changes=[], errors=[FieldErrorType(path=e.path, reason=e.reason) for e in exc.errors]
            )
        info.context.fresh()
        return LabelRegradePayload(changes=_items(changes), errors=[])


def _supervise(name: str, reason: str) -> Step:
    async def step(session: AsyncSession, label: m.Label, origin: Origin, base: str, today: date) -> m.Label:
        return await lifecycle.supervise(session, label, name, reason, origin, base, today)

    return step

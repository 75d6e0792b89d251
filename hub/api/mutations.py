"""The Mutation root: each resolver checks the policy's rule, runs a service in one unit of work, and
returns the record as the caller may read it, or typed errors naming the input field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.types import EmissionFactor, Footprint, Product, SharingAgreement, view
from hub.db.models import Footprint as FootprintRecord
from hub.db.models import Organization
from hub.db.models import Product as ProductRecord
from hub.policy.access import Access
from hub.queries.records import by_iri
from hub.queries.targets import require_readable_references, target
from hub.services import factors, footprints, products, sharing, transitions
from hub.services.lookups import by_iri as model_by_iri
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput, problems


@strawberry.type(name="FieldError", description="One problem with the input, naming its field.")
class FieldErrorType:
    path: str = strawberry.field(description="JSON path of the field, e.g. $.stages[0].kgco2e")
    reason: str


@strawberry.type
class ProductPayload:
    product: Product | None
    errors: list[FieldErrorType]


@strawberry.type
class FootprintPayload:
    footprint: Footprint | None
    errors: list[FieldErrorType]


@strawberry.type
class EmissionFactorPayload:
    emission_factor: EmissionFactor | None
    errors: list[FieldErrorType]


@strawberry.type
class SharingAgreementPayload:
    sharing_agreement: SharingAgreement | None
    errors: list[FieldErrorType]


@strawberry.input
class ProductInput:
    category_code: str
    name: str
    model: str | None = None
    gtin: str | None = None
    description: str | None = None


@strawberry.input(description="Follows sharing-agreement.schema.json: every list names something.")
class SharingAgreementInput:
    region: str
    title: str
    record_kinds: list[str] = strawberry.field(description="At least one record kind, e.g. Footprint.")
    statuses: list[str] = strawberry.field(description="At least one footprint status, e.g. published.")
    fields: JSON | None = strawberry.field(
        default=None,
        description="Optional: an object from a covered kind to the only field names shared of it, e.g. "
        '{"Footprint": ["total_kgco2e"]}.',
    )
    valid_from: date
    valid_until: date | None = None


Work = Callable[[AsyncSession, Access, Origin], Awaitable[str]]


async def _write(info: Info[Context, None], mutation: str, work: Work) -> tuple[Any, list[FieldErrorType]]:
    """Run `work` in one transaction; return the written record (as the caller sees it) or the errors."""
    ctx = info.context
    access = await ctx.reader.access()
    access.mutation_check(mutation)  # refuse a role the policy does not name, before touching anything
    origin = Origin(actor=ctx.principal.actor, clock=ctx.hub.clock)
    try:
        async with unit_of_work(ctx.hub.sessions) as session:
            iri = await work(session, access, origin)
    except InvalidInput as exc:
        return None, [FieldErrorType(path=e.path, reason=e.reason) for e in exc.errors]
    await ctx.reader.close()  # the next read starts after the commit
    ctx.fresh()
    return await by_iri(ctx.reader, iri), []


async def _caller(session: AsyncSession, info: Info[Context, None]) -> Organization:
    return await model_by_iri(session, Organization, info.context.principal.org_iri or "", "$.caller")


def _payload(cls: type, attr: str, node_type: type, result: tuple[Any, list[FieldErrorType]]) -> Any:
    record, errors = result
    return cls(**{attr: None if record is None else view(node_type, record), "errors": errors})


def _today(info: Info[Context, None]) -> date:
    """The hub's today for the services that date what they write (the one place a resolver reads a clock)."""
    return info.context.hub.clock.today()


def _data(input_obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(input_obj).items() if v is not None}


def _object(schema: str, data: JSON) -> dict[str, Any]:
    """A `JSON` argument that schema `schema` describes, which must be an object: anything else is refused in
    the schema's words (as the service would refuse it), naming the field."""
    if not isinstance(data, dict):
        raise InvalidInput(problems(schema, data))
    return data


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register a product of the caller's enterprise.")
    async def create_product(self, info: Info[Context, None], input: ProductInput) -> ProductPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            owner = await _caller(session, info)
            product = await products.create_product(
                session, _data(input), owner, origin, info.context.hub.settings.base_iri
            )
            return product.iri

        return _payload(ProductPayload, "product", Product, await _write(info, "createProduct", work))

    @strawberry.mutation(
        description="Store a draft footprint with stages and inventory; `data` follows footprint.schema.json. "
        "With an inventory, the hub computes the figures (docs/accounting.md): stated ones must agree with them, "
        "left-out ones (line kgco2e, stages, totals and parts) are filled in."
    )
    async def create_footprint(self, info: Info[Context, None], data: JSON) -> FootprintPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            record = _object("footprint", data)
            if isinstance(record.get("product_iri"), str):
                await target(session, access, "createFootprint", ProductRecord, record["product_iri"], "$.product_iri")
                await require_readable_references(session, access, record)
            fp = await footprints.create_footprint(session, record, origin, info.context.hub.settings.base_iri)
            return fp.iri

        return _payload(FootprintPayload, "footprint", Footprint, await _write(info, "createFootprint", work))

    @strawberry.mutation(description="Submit a draft (draft -> submitted) to the verifier named.")
    async def submit_footprint(
        self, info: Info[Context, None], footprint_id: strawberry.ID, verifier_id: strawberry.ID
    ) -> FootprintPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            fp = await target(session, access, "submitFootprint", FootprintRecord, footprint_id, "$.footprint_id")
            verifier = await model_by_iri(session, Organization, verifier_id, "$.verifier_id")
            await footprints.submit(session, fp, verifier, origin, info.context.hub.settings.base_iri)
            return footprint_id

        return _payload(FootprintPayload, "footprint", Footprint, await _write(info, "submitFootprint", work))

    @strawberry.mutation(description="The assigned verifier verifies a submitted footprint, with a statement.")
    async def verify_footprint(
        self,
        info: Info[Context, None],
        footprint_id: strawberry.ID,
        statement: str,
        standard: str | None = None,
    ) -> FootprintPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            fp = await target(session, access, "verifyFootprint", FootprintRecord, footprint_id, "$.footprint_id")
            verifier = await _caller(session, info)
            base_iri = info.context.hub.settings.base_iri
            await transitions.verify_and_decide(
                session, fp, verifier, statement, standard, origin, base_iri, _today(info)
            )
            return footprint_id

        return _payload(FootprintPayload, "footprint", Footprint, await _write(info, "verifyFootprint", work))

    @strawberry.mutation(description="The assigned verifier rejects a submitted footprint (back to draft).")
    async def reject_footprint(
        self, info: Info[Context, None], footprint_id: strawberry.ID, statement: str
    ) -> FootprintPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            fp = await target(session, access, "rejectFootprint", FootprintRecord, footprint_id, "$.footprint_id")
            await footprints.reject(session, fp, statement, origin)
            return footprint_id

        return _payload(FootprintPayload, "footprint", Footprint, await _write(info, "rejectFootprint", work))

    @strawberry.mutation(description="Publish a verified footprint.")
    async def publish_footprint(self, info: Info[Context, None], footprint_id: strawberry.ID) -> FootprintPayload:
        return await _move(info, "publishFootprint", footprint_id, "published")

    @strawberry.mutation(description="Withdraw a footprint.")
    async def withdraw_footprint(self, info: Info[Context, None], footprint_id: strawberry.ID) -> FootprintPayload:
        return await _move(info, "withdrawFootprint", footprint_id, "withdrawn")

    @strawberry.mutation(description="Add an emission factor; `data` follows emission-factor.schema.json.")
    async def create_emission_factor(self, info: Info[Context, None], data: JSON) -> EmissionFactorPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            record = _object("emission-factor", data)
            factor = await factors.create_emission_factor(session, record, origin, info.context.hub.settings.base_iri)
            return factor.iri

        return _payload(
            EmissionFactorPayload,
            "emission_factor",
            EmissionFactor,
            await _write(info, "createEmissionFactor", work),
        )

    @strawberry.mutation(description="Grant a partner region's platform read access.")
    async def create_sharing_agreement(
        self, info: Info[Context, None], input: SharingAgreementInput
    ) -> SharingAgreementPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            granted_by = await _caller(session, info)
            data = vars(input)  # the service checks every value, `fields` included, whatever its type
            agreement = await sharing.create_sharing_agreement(
                session, data, granted_by, origin, info.context.hub.settings.base_iri
            )
            return agreement.iri

        return _payload(
            SharingAgreementPayload,
            "sharing_agreement",
            SharingAgreement,
            await _write(info, "createSharingAgreement", work),
        )


async def _move(info: Info[Context, None], mutation: str, footprint_id: str, status: str) -> FootprintPayload:
    from hub.domain.codes import FootprintStatus

    async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
        fp = await target(session, access, mutation, FootprintRecord, footprint_id, "$.footprint_id")
        base_iri = info.context.hub.settings.base_iri
        new = FootprintStatus(status)
        await transitions.move_and_decide(session, fp, new, origin, base_iri, _today(info))
        return footprint_id

    return _payload(FootprintPayload, "footprint", Footprint, await _write(info, mutation, work))

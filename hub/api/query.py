"""The Query root: each resolver decodes its arguments, calls a read function, maps the records."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from hub.api.context import Context
from hub.api.pagination import Connection, connection, decode_cursor, page_size
from hub.api.types import (
    AuditEvent,
    CategoryBenchmark,
    Dataset,
    EmissionFactor,
    Footprint,
    Label,
    MappingDocument,
    Node,
    Organization,
    Product,
    ProductCategory,
    RuleSet,
    SharingAgreement,
    views,
)
from hub.api.views import record_view
from hub.db import models as m
from hub.queries import benchmarks, documents, factors, filters, footprints
from hub.queries.records import by_iri, count, fetch, page


@strawberry.input(description="Footprint search: every criterion given must hold.")
class FootprintFilter:
    category_codes: list[str] | None = None
    owner_regions: list[str] | None = None
    statuses: list[str] | None = None
    grades: list[str] | None = None
    owners: list[strawberry.ID] | None = strawberry.field(default=None, description="Organization IRIs.")
    period_from: date | None = strawberry.field(default=None, description="Reference period overlaps.")
    period_to: date | None = None

    def to_query(self) -> footprints.FootprintFilter:
        return footprints.FootprintFilter(
            category_codes=tuple(self.category_codes or ()),
            owner_regions=tuple(self.owner_regions or ()),
            statuses=tuple(self.statuses or ()),
            grades=tuple(self.grades or ()),
            owners=tuple(self.owners or ()),
            period_from=self.period_from,
            period_to=self.period_to,
        )


@strawberry.input(description="Emission factor search: every criterion given must hold.")
class EmissionFactorFilter:
    activity: str | None = strawberry.field(default=None, description="Part of the activity name (en/zh).")
    regions: list[str] | None = None
    years: list[int] | None = None
    units: list[str] | None = None

    def to_query(self) -> factors.FactorFilter:
        return factors.FactorFilter(
            activity=self.activity,
            regions=tuple(self.regions or ()),
            years=tuple(self.years or ()),
            units=tuple(self.units or ()),
        )


@strawberry.type(description="Who the hub takes the caller to be.")
class Viewer:
    role: str
    organization_iri: str | None


@strawberry.type
class Query:
    @strawberry.field(description="The caller's role and organization.")
    def viewer(self, info: Info[Context, None]) -> Viewer:
        p = info.context.principal
        return Viewer(role=p.role.value, organization_iri=p.org_iri)

    @strawberry.field(description="The plan's 19 industries and 52 key products.")
    async def product_categories(self, info: Info[Context, None], level: str | None = None) -> list[ProductCategory]:
        reader = info.context.reader
        where = await filters.equal_to(reader, "ProductCategory", level=level or None)
        order = [m.ProductCategory.level, m.ProductCategory.seq]
        return views(ProductCategory, await fetch(reader, "ProductCategory", *where, order_by=order))

    @strawberry.field(description="The rule sets of this hub; filter by id and version.")
    async def rule_sets(
        self, info: Info[Context, None], ruleset_id: str | None = None, version: str | None = None
    ) -> list[RuleSet]:
        return views(RuleSet, await documents.rule_sets(info.context.reader, ruleset_id, version))

    @strawberry.field(description="The mapping files of this hub; filter by target (pact, yrd, gba, ...).")
    async def mapping_documents(self, info: Info[Context, None], target: str | None = None) -> list[MappingDocument]:
        return views(MappingDocument, await documents.mapping_documents(info.context.reader, target))

    @strawberry.field(description="Statistics of published footprints per key product and declared unit.")
    async def category_benchmarks(
        self, info: Info[Context, None], category_code: str | None = None
    ) -> list[CategoryBenchmark]:
        return views(CategoryBenchmark, await benchmarks.category_benchmarks(info.context.reader, category_code))

    @strawberry.field
    async def organizations(
        self, info: Info[Context, None], kind: str | None = None, region: str | None = None
    ) -> list[Organization]:
        reader = info.context.reader
        where = await filters.equal_to(reader, "Organization", kind=kind or None, region=region or None)
        return views(Organization, await fetch(reader, "Organization", *where))

    @strawberry.field
    async def products(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Product]:
        reader, key = info.context.reader, decode_cursor(after)
        result = await page(reader, "Product", first=page_size(first), after=key)
        return connection(Product, result, key, lambda: count(reader, "Product"))

    @strawberry.field(description="Search emission factors by activity, region, year and unit.")
    async def emission_factors(
        self,
        info: Info[Context, None],
        filter: EmissionFactorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[EmissionFactor]:
        reader, key = info.context.reader, decode_cursor(after)
        f = (filter or EmissionFactorFilter()).to_query()
        result = await factors.factor_page(reader, f, page_size(first), key)
        return connection(
            EmissionFactor,
            result,
            key,
            lambda: factors.factor_count(reader, f),
        )

    @strawberry.field(description="Search footprints by category, region, status, grade, period, owner.")
    async def footprints(
        self,
        info: Info[Context, None],
        filter: FootprintFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Footprint]:
        reader, key = info.context.reader, decode_cursor(after)
        f = (filter or FootprintFilter()).to_query()
        result = await footprints.footprint_page(reader, f, page_size(first), key)
        return connection(Footprint, result, key, lambda: footprints.footprint_count(reader, f))

    @strawberry.field
    async def labels(self, info: Info[Context, None], status: str | None = None) -> list[Label]:
        where = await filters.equal_to(info.context.reader, "Label", status=status or None)
        return views(Label, await fetch(info.context.reader, "Label", *where))

    @strawberry.field
    async def datasets(self, info: Info[Context, None]) -> list[Dataset]:
        return views(Dataset, await fetch(info.context.reader, "Dataset"))

    @strawberry.field
    async def sharing_agreements(self, info: Info[Context, None]) -> list[SharingAgreement]:
        return views(SharingAgreement, await fetch(info.context.reader, "SharingAgreement"))

    @strawberry.field(description="The audit trail, oldest first; optionally of one record.")
    async def audit_trail(
        self,
        info: Info[Context, None],
        record_iri: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        reader, key = info.context.reader, decode_cursor(after)
        where = await filters.equal_to(reader, "AuditEvent", record_iri=record_iri or None)
        result = await page(reader, "AuditEvent", *where, first=page_size(first), after=key)
        return connection(
            AuditEvent,
            result,
            key,
            lambda: count(reader, "AuditEvent", *where),
        )

    @strawberry.field(description="Any record by its IRI, if the caller may read it.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        record = await by_iri(info.context.reader, str(id))
        if record is None:
            return None
        return record_view(record)

"""Federation in GraphQL: the records peer hubs sent us (with their source), and exporting / importing signed
bundles. Resolvers decode, run the federation service, and map the result."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import httpx
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.mutations import FieldErrorType
from hub.api.pagination import Connection, connection, decode_cursor, page_size
from hub.api.views import RECORD_TYPES
from hub.queries.imported import imported_count, imported_page
from hub.validation import InvalidInput

DID_TIMEOUT_SECONDS = 10.0


@strawberry.type(description="A record a peer hub sent in a signed bundle, in the ZJ vocabulary, with its source.")
class ImportedRecord:
    id: strawberry.ID = strawberry.field(description="The record's IRI at its source hub.")
    kind: str | None
    version: int | None
    document: JSON | None = strawberry.field(description="The record, mapped back into the ZJ vocabulary.")
    source_hub: str | None = strawberry.field(description="The DID of the hub the record comes from.")
    source_region: str | None
    bundle_iri: str | None = strawberry.field(description="The bundle it last arrived in.")
    bundle_created_at: datetime | None
    mapping_iri: str | None
    mapping_version: str | None
    rulesets: JSON | None = strawberry.field(description="Rule sets (id, version) of its decisions at the source.")
    usage_policy: JSON | None = strawberry.field(description="The ODRL policy it arrived under.")
    onward_transfer: bool | None
    retain_until: date | None
    supersedes_iri: str | None
    superseded_by_iri: str | None
    imported_at: datetime | None


RECORD_TYPES["ImportedRecord"] = ImportedRecord


@strawberry.type
class ExportBundlePayload:
    bundle: JSON | None = strawberry.field(description="The signed bundle (JSON-LD with a Data Integrity proof).")
    errors: list[FieldErrorType]


@strawberry.type
class ImportBundlePayload:
    inserted: int
    updated: int
    unchanged: int
    kept_newer: int
    errors: list[FieldErrorType]


def _errors(error: InvalidInput) -> list[FieldErrorType]:
    return [FieldErrorType(path=e.path, reason=e.reason) for e in error.errors]


@strawberry.type
class FederationQuery:
    @strawberry.field(description="Records peer hubs sent this hub, as far as their usage policies let the caller.")
    async def imported_records(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None, current_only: bool = True
    ) -> Connection[ImportedRecord]:
        reader, key = info.context.reader, decode_cursor(after)
        result = await imported_page(reader, page_size(first), key, current_only)
        return connection(ImportedRecord, result, key, lambda: imported_count(reader, current_only))


@strawberry.type
class FederationMutation:
    @strawberry.mutation(description="A signed bundle of what the peer hub of region `to` may receive here.")
    async def export_bundle(self, info: Info[Context, None], to: str) -> ExportBundlePayload:
        from hub.federation.bundles import build_bundle

        ctx = info.context
        (await ctx.reader.access()).mutation_check("exportBundle")
        try:
            bundle = await build_bundle(ctx.hub, to.upper())
            return ExportBundlePayload(bundle=cast(JSON, bundle), errors=[])
        except InvalidInput as error:
            return ExportBundlePayload(bundle=None, errors=_errors(error))

    @strawberry.mutation(description="Verify a peer hub's signed bundle and apply it: all or nothing, idempotent.")
    async def import_bundle(self, info: Info[Context, None], bundle: JSON) -> ImportBundlePayload:
        from hub.federation.importer import import_bundle

        ctx = info.context
        (await ctx.reader.access()).mutation_check("importBundle")
        try:
            async with httpx.AsyncClient(timeout=DID_TIMEOUT_SECONDS) as http:
                report = await import_bundle(ctx.hub, bundle, http)
        except InvalidInput as error:
            return ImportBundlePayload(inserted=0, updated=0, unchanged=0, kept_newer=0, errors=_errors(error))
        ctx.fresh()
        return ImportBundlePayload(
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            kept_newer=report.kept_newer,
            errors=[],
        )

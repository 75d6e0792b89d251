"""Other data sources in GraphQL (hub/sources, docs/sources.md): `importSource` (a multipart upload of a
source CSV, the same service as `cfhub import-source`) and `sourceRecords` (the figures, under the caller's
policy: an enterprise its own, the regulator all)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from hub.api.context import Context
from hub.api.multipart import Uploaded
from hub.api.relations import relation
from hub.api.types import Organization
from hub.api.views import RECORD_TYPES, views
from hub.queries import sources as source_queries
from hub.sources.errors import RowError, SourceRefused
from hub.sources.importer import SourceFile, import_source


@strawberry.type(description="A figure of another data source: an enterprise's energy use, output or emissions.")
class SourceRecord:
    kind: str | None = strawberry.field(description="energy-monitoring or verified-emissions.")
    period_start: date | None
    period_end: date | None
    item: str | None = strawberry.field(description="An energy carrier, output, scope1 or scope2.")
    amount: float | None
    unit: str | None
    verifier: str | None = strawberry.field(description="Who verified the report (verified-emissions).")
    note: str | None
    row: int | None = strawberry.field(description="The row of its dataset's file.")
    organization: Organization | None = relation()


RECORD_TYPES["SourceRecord"] = SourceRecord


@strawberry.type(description="One problem with a source file: its file, row, column and reason.")
class SourceError:
    file: str
    row: int = strawberry.field(description="1-based with the header as row 1; 0 for the file as a whole.")
    column: str
    reason: str


@strawberry.type
class ImportSourcePayload:
    dataset_id: strawberry.ID | None = strawberry.field(description="The dataset the file is on the hub as.")
    created: bool = strawberry.field(description="False when the same file was imported before: nothing changed.")
    rows: int
    errors: list[SourceError] = strawberry.field(description="Every problem; when any, nothing was written.")


def _refused(errors: list[RowError]) -> ImportSourcePayload:
    found = [SourceError(file=e.file, row=e.row, column=e.column, reason=e.reason) for e in errors]
    return ImportSourcePayload(dataset_id=None, created=False, rows=0, errors=found)


@strawberry.type
class SourcesQuery:
    @strawberry.field(description="Figures of the other data sources the caller may read, in period order.")
    async def source_records(
        self,
        info: Info[Context, None],
        kind: str | None = None,
        period_from: date | None = None,
        period_to: date | None = None,
        first: int = 100,
    ) -> list[SourceRecord]:
        found = await source_queries.source_records(
            info.context.reader, kind=kind, period_from=period_from, period_to=period_to, first=first
        )
        return views(SourceRecord, found)


@strawberry.type
class SourcesMutation:
    @strawberry.mutation(
        description="Import a source CSV (kind energy-monitoring or verified-emissions, docs/sources.md) as a "
        "dataset with its publisher and licence, sent as a GraphQL multipart request. All or nothing; the same "
        "file again changes nothing."
    )
    async def import_source(
        self, info: Info[Context, None], kind: str, file: Upload, publisher: str, licence: str
    ) -> ImportSourcePayload:
        ctx = info.context
        (await ctx.reader.access()).mutation_check("importSource")
        if not isinstance(file, Uploaded):
            reason = "must be a file part of a multipart request (GraphQL multipart request spec)"
            return _refused([RowError("file", 0, "file", reason)])
        source = SourceFile(kind, file.filename, file.data, publisher, licence)
        try:
            result = await import_source(ctx.hub, ctx.principal, source)
        except SourceRefused as exc:
            return _refused(exc.errors)
        await ctx.reader.close()
        ctx.fresh()
        return ImportSourcePayload(
            dataset_id=strawberry.ID(result.dataset_iri), created=result.created, rows=result.rows, errors=[]
        )

"""Bulk import over GraphQL: `importSheet(file: Upload!, dryRun)`, a multipart upload (hub/api/multipart.py)
through the SAME service as REST `/sheets/import` and `cfhub import-sheet` (hub/sheets/importer.py): the same
checks, the same errors (sheet, row, column, reason), all or nothing."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from hub.api.context import Context
from hub.api.multipart import Uploaded
from hub.sheets.errors import CellError, FileRefused, SheetRefused
from hub.sheets.importer import ImportResult, import_file


@strawberry.type(description="One problem with an uploaded file: its sheet, row, column and reason.")
class SheetError:
    sheet: str
    row: int = strawberry.field(description="1-based, as a spreadsheet shows it; 0 for the file as a whole.")
    column: str
    reason: str


@strawberry.type(description="A footprint row of the file: its ref in the file and the footprint's IRI.")
class SheetRowResult:
    ref: str
    footprint_id: strawberry.ID


@strawberry.type
class ImportSheetPayload:
    created: list[SheetRowResult]
    unchanged: list[SheetRowResult] = strawberry.field(description="Already on the hub as the file states them.")
    dry_run: bool = strawberry.field(description="Checked and rolled back: nothing was written.")
    errors: list[SheetError] = strawberry.field(description="Every problem; when any, nothing was written.")


def _refused(errors: list[CellError], dry_run: bool) -> ImportSheetPayload:
    found = [SheetError(sheet=e.sheet, row=e.row, column=e.column, reason=e.reason) for e in errors]
    return ImportSheetPayload(created=[], unchanged=[], dry_run=dry_run, errors=found)


def _done(result: ImportResult, dry_run: bool) -> ImportSheetPayload:
    def rows(found: dict[str, str]) -> list[SheetRowResult]:
        return [SheetRowResult(ref=ref, footprint_id=strawberry.ID(iri)) for ref, iri in found.items()]

    created, unchanged = rows(result.created), rows(result.unchanged)
    return ImportSheetPayload(created=created, unchanged=unchanged, dry_run=dry_run, errors=[])


@strawberry.type
class SheetsMutation:
    @strawberry.mutation(
        description="Import footprints from an uploaded .xlsx workbook (the template of /sheets/template.xlsx) or "
        "CSV file, sent as a GraphQL multipart request with the header Apollo-Require-Preflight. All or nothing: "
        "every problem names its sheet, row, column and reason. dryRun checks everything and writes nothing."
    )
    async def import_sheet(self, info: Info[Context, None], file: Upload, dry_run: bool = False) -> ImportSheetPayload:
        ctx = info.context
        (await ctx.reader.access()).mutation_check("importSheet")
        if not isinstance(file, Uploaded):  # a JSON request naming a string where the file belongs
            reason = "must be a file part of a multipart request (GraphQL multipart request spec)"
            return _refused([CellError("file", 0, "file", reason)], dry_run)
        try:
            result = await import_file(ctx.hub, ctx.principal, file.data, dry_run=dry_run)
        except FileRefused as exc:
            return _refused([CellError("file", 0, "file", str(exc))], dry_run)
        except SheetRefused as exc:
            return _refused(exc.errors, dry_run)
        await ctx.reader.close()  # the next read starts after the commit
        ctx.fresh()
        return _done(result, dry_run)

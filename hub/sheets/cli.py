"""`cfhub import-sheet FILE --org KEY`: the bulk import from the command line, with progress on stderr."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click


@click.command("import-sheet", help="Import footprints from an .xlsx workbook or a CSV file (all or nothing).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="Organization key (e.g. zj-battery) or IRI that imports.")
def import_sheet(file: Path, org: str) -> None:
    from hub.auth.clients import principal_for
    from hub.bootstrap import open_hub
    from hub.cli import _organization, _settings
    from hub.policy.access import Forbidden
    from hub.sheets.errors import FileRefused, SheetRefused
    from hub.sheets.importer import ImportResult, import_file

    settings = _settings()
    principal = principal_for(asyncio.run(_organization(settings, org)))

    def progress(rows: int) -> None:
        click.echo(f"read {rows} rows", err=True)

    async def run() -> ImportResult:
        hub = open_hub(settings)
        try:
            return await import_file(hub, principal, file.read_bytes(), progress)
        finally:
            await hub.close()

    try:
        result = asyncio.run(run())
    except (Forbidden, FileRefused) as exc:
        raise click.ClickException(str(exc)) from None
    except SheetRefused as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"nothing imported: {len(exc.errors)} problem(s)", err=True)
        sys.exit(1)
    for ref, iri in result.created.items():
        click.echo(f"created\t{ref}\t{iri}")
    for ref, iri in result.unchanged.items():
        click.echo(f"unchanged\t{ref}\t{iri}")
    click.echo(f"{len(result.created)} created, {len(result.unchanged)} unchanged", err=True)

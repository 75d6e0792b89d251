"""`cfhub import-source KIND FILE --org KEY --publisher P --licence L`: import a source file (docs/sources.md)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

KINDS = ("energy-monitoring", "verified-emissions")  # hub/sources/layout.yaml; a test compares them


@click.command("import-source", help="Import a data source CSV (monitored energy use, verified emission reports).")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="Organization key (e.g. zj-regulator) or IRI that imports.")
@click.option("--publisher", required=True, help="Who publishes the data (e.g. the provincial energy office).")
@click.option("--licence", required=True, help="The terms the data is used under.")
def import_source_command(kind: str, file: Path, org: str, publisher: str, licence: str) -> None:
    from hub.auth.clients import principal_for
    from hub.bootstrap import open_hub
    from hub.cli import _organization, _settings
    from hub.policy.access import Forbidden
    from hub.sources.errors import SourceRefused
    from hub.sources.importer import SourceFile, SourceImport, import_source

    settings = _settings()
    principal = principal_for(asyncio.run(_organization(settings, org)))
    source = SourceFile(kind, file.name, file.read_bytes(), publisher, licence)

    async def run() -> SourceImport:
        hub = open_hub(settings)
        try:
            return await import_source(hub, principal, source)
        finally:
            await hub.close()

    try:
        result = asyncio.run(run())
    except Forbidden as exc:
        raise click.ClickException(str(exc)) from None
    except SourceRefused as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"nothing imported: {len(exc.errors)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"{'created' if result.created else 'unchanged'}\t{result.dataset_iri}\t{result.rows} rows")

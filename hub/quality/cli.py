"""`cfhub quality check`: check footprints' data quality with the rule sets in force and store the findings
(the same use case the hub runs when it decides a footprint: hub/quality/service.py)."""

from __future__ import annotations

import asyncio
import sys

import click
from sqlalchemy import select

from hub.domain.codes import SourceKind


@click.group(help="Data quality of footprints (rulesets/quality, docs/quality.md).")
def quality() -> None:
    pass


@quality.command("check", help="Check the footprints named by IRI, or every footprint with --all; store the results.")
@click.argument("footprints", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Check every footprint on this hub.")
def quality_check(footprints: tuple[str, ...], everything: bool) -> None:
    from hub.bootstrap import open_hub
    from hub.cli import _settings
    from hub.db.models import Footprint
    from hub.quality.service import check_footprints
    from hub.services.origin import Origin
    from hub.services.uow import unit_of_work

    if not footprints and not everything:
        raise click.UsageError("name footprint IRIs, or pass --all")

    async def run() -> list[tuple[str, str, dict[str, int]]]:
        hub = open_hub(_settings())
        try:
            base = hub.settings.base_iri
            system = Origin(f"{base}system", SourceKind.SYSTEM, "cfhub quality check", clock=hub.clock)
            async with unit_of_work(hub.sessions) as session:
                query = select(Footprint.id, Footprint.iri).order_by(Footprint.id)
                if not everything:
                    query = query.where(Footprint.iri.in_(footprints))
                ids: dict[int, str] = {fid: iri for fid, iri in await session.execute(query)}
                unknown = sorted(set(footprints) - set(ids.values()))
                if unknown:
                    raise click.BadParameter(f"no footprint {', '.join(unknown)} on this hub", param_hint="FOOTPRINTS")
                registry = await hub.documents.registry(session)
                results = await check_footprints(session, registry, list(ids), hub.clock.today(), system, base)
                return [(ids[fid], r.status, r.summary) for fid, r in results.items()]
        finally:
            await hub.close()

    checked = asyncio.run(run())
    for iri, status, counts in checked:
        click.echo(f"{status:8} {iri} ({counts['warning']} warnings, {counts['failure']} failures)")
    failed = sum(1 for _, status, _ in checked if status == "failure")
    warned = sum(1 for _, status, _ in checked if status == "warning")
    click.echo(f"{len(checked)} footprints checked: {failed} failed, {warned} with warnings")
    sys.exit(1 if failed else 0)

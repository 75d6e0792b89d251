"""`cfhub labels ...`: the label jobs a hub runs on a schedule (cron or a systemd timer), with the hub's clock."""

from __future__ import annotations

import asyncio

import click

from hub.domain.codes import SourceKind


@click.group(help="Carbon labels: the jobs of their supervision.")
def labels() -> None:
    pass


@labels.command("expire", help="End every issued or suspended label whose validity has passed. Run it daily.")
def labels_expire() -> None:
    from hub.bootstrap import open_hub
    from hub.cli import _settings
    from hub.labels.lifecycle import expire_due
    from hub.services.origin import Origin
    from hub.services.uow import unit_of_work

    async def run() -> list[str]:
        hub = open_hub(_settings())
        try:
            base = hub.settings.base_iri
            system = Origin(
                actor=f"{base}system", source=SourceKind.SYSTEM, source_ref="cfhub labels expire", clock=hub.clock
            )
            async with unit_of_work(hub.sessions) as session:
                return await expire_due(session, system, base, hub.clock.today())
        finally:
            await hub.close()

    expired = asyncio.run(run())
    for iri in expired:
        click.echo(f"expired {iri}")
    click.echo(f"{len(expired)} labels expired")

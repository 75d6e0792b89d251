"""`cfhub peers list|add|remove`, `cfhub export --to REGION` and `cfhub import FILE`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from hub.bootstrap import Hub
    from hub.config import Settings

T = TypeVar("T")
OPERATOR = "cli"  # the actor the audit trail names for an operator at the hub's console


def _settings() -> Settings:
    from hub.cli import _settings as checked

    return checked()


def _run(work: Callable[[Hub], Awaitable[T]]) -> T:
    """Run `work` on a hub opened from the environment; a refused input is one line per problem, exit 1."""
    from hub.bootstrap import open_hub
    from hub.validation import InvalidInput

    async def run() -> T:
        hub = open_hub(_settings())
        try:
            return await work(hub)
        finally:
            await hub.close()

    try:
        return asyncio.run(run())
    except InvalidInput as error:
        raise click.ClickException("\n".join(str(e) for e in error.errors)) from None


@click.group(help="The partner hubs this hub exchanges with (one per region).")
def peers() -> None:
    pass


@peers.command("list", help="List the peers: region, base URL, DID, governing agreement, our client id there.")
def peers_list() -> None:
    from hub.federation.peers import PeerView, list_peers

    async def work(hub: Hub) -> list[PeerView]:
        async with hub.sessions() as session:
            return await list_peers(session)

    found = _run(work)
    for p in found:
        agreement = p.agreement_iri or "(no agreement: receives nothing)"
        usage = f"read by {','.join(p.read_by)}; onward transfer {'allowed' if p.onward_transfer else 'prohibited'}"
        usage += f"; kept {p.retention_days} days" if p.retention_days else "; kept without limit"
        click.echo(f"{p.region}\t{p.base_url}\t{p.did}\t{agreement}\t{p.client_id or '(no client)'}\t{usage}")
    if not found:
        click.echo("no peers yet (cfhub peers add --region R --base-url URL)")


@peers.command("add", help="Register a peer hub. Its DID is the did:web of its base URL unless given.")
@click.option("--region", required=True, help="The peer's region: YRD, GBA, ZJ or INTL (not this hub's own).")
@click.option("--base-url", required=True, help="The peer's public origin, e.g. https://yrd.cfhub.example.org.")
@click.option("--did", default=None, help="The peer's DID (default: did:web of --base-url).")
@click.option("--agreement", default=None, help="IRI of our sharing agreement that governs what it receives.")
@click.option("--client-id", default=None, help="Our regional_platform client id at the peer's /oauth/token.")
@click.option(
    "--client-secret",
    default=None,
    envvar="CFHUB_PEER_CLIENT_SECRET",
    help="Its secret (or CFHUB_PEER_CLIENT_SECRET); kept in CFHUB_KEY_DIR/peer-credentials, never in the database.",
)
@click.option(
    "--read-by",
    multiple=True,
    default=("regulator",),
    show_default=True,
    help="A role on the peer that may read what we give it (repeat for more): the bundles' ODRL policy.",
)
@click.option(
    "--onward-transfer/--no-onward-transfer",
    default=False,
    show_default=True,
    help="Whether the peer may pass our records on to a third hub.",
)
@click.option("--retention-days", default=365, show_default=True, type=int, help="How long the peer may keep them.")
def peers_add(
    region: str,
    base_url: str,
    did: str | None,
    agreement: str | None,
    client_id: str | None,
    client_secret: str | None,
    read_by: tuple[str, ...],
    onward_transfer: bool,
    retention_days: int,
) -> None:
    from hub.federation.peers import PeerInput, add_peer, store_secret
    from hub.services.uow import unit_of_work

    if client_secret and not client_id:
        raise click.ClickException("--client-secret needs --client-id")
    data = PeerInput(region.upper(), base_url, did, agreement, client_id, read_by, onward_transfer, retention_days)

    async def work(hub: Hub) -> str:
        async with unit_of_work(hub.sessions) as session:
            peer = await add_peer(session, data, hub.settings.region, OPERATOR)
            if client_secret:
                store_secret(hub.settings.key_dir, peer.region.value, client_secret)
            return peer.did

    click.echo(f"peer {data.region} added: {_run(work)}")


@peers.command("remove", help="Forget the peer of REGION (and our client secret at it).")
@click.argument("region")
def peers_remove(region: str) -> None:
    from hub.federation.peers import forget_secret, remove_peer
    from hub.services.uow import unit_of_work

    async def work(hub: Hub) -> str:
        async with unit_of_work(hub.sessions) as session:
            peer = await remove_peer(session, region.upper(), OPERATOR)
        forget_secret(hub.settings.key_dir, peer.region.value)
        return peer.did

    click.echo(f"peer {region.upper()} removed: {_run(work)}")


@click.command("export", help="Write a signed bundle of every record peer REGION may receive (its agreement decides).")
@click.option("--to", "region", required=True, help="The peer's region, e.g. YRD.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="The bundle file to write (default: bundle-<REGION>.json in the working directory).",
)
def export_bundle(region: str, out: str | None) -> None:
    import orjson

    from hub.federation.bundles import build_bundle

    region = region.upper()
    path = out or f"bundle-{region}.json"

    def progress(done: int) -> None:
        click.echo(f"  {done} records read and mapped", err=True)

    async def work(hub: Hub) -> dict[str, object]:
        return await build_bundle(hub, region, progress)

    bundle = _run(work)
    with open(path, "wb") as f:
        f.write(orjson.dumps(bundle))
    click.echo(f"wrote {path}: {bundle['record_count']} records for {region}, signed by {bundle['source_hub']}")


@click.command("import", help="Verify a bundle from a known peer and apply it: all or nothing, idempotent.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for the peer's DID document.")
def import_bundle_command(file: str, timeout: float) -> None:
    import httpx

    from hub.federation.importer import ImportReport, import_bundle, parse

    def progress(stage: str, count: int) -> None:
        click.echo(f"  {stage}: {count} records", err=True)

    async def work(hub: Hub) -> ImportReport:
        with open(file, "rb") as f:
            bundle = parse(f.read())
        async with httpx.AsyncClient(timeout=timeout) as http:
            return await import_bundle(hub, bundle, http, progress)

    report = _run(work)
    click.echo(
        f"imported {report.bundle} from {report.source_hub}: {report.inserted} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.kept_newer} older than what is here (kept), "
        f"{report.superseded} superseded"
    )


@click.command("sync", help="Apply peer REGION's changes since the last sync (new, superseded, withdrawn, labels).")
@click.argument("region")
@click.option("--every", type=float, default=None, help="Keep syncing: one round every SECONDS (the periodic job).")
@click.option("--rounds", type=int, default=None, help="With --every: stop after this many rounds (default: never).")
@click.option("--batch", default=1000, show_default=True, help="Changes (audit events at the peer) per batch.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each answer of the peer.")
def sync_command(region: str, every: float | None, rounds: int | None, batch: int, timeout: float) -> None:
    import httpx

    from hub.federation.peers import PeerError
    from hub.federation.sync import SyncReport, run_every, sync_peer

    region = region.upper()
    if every is not None and every <= 0:
        raise click.ClickException("--every must be a positive number of seconds")
    if not 1 <= batch <= 10_000:
        raise click.ClickException("--batch must be 1 to 10000")

    def progress(line: str) -> None:
        click.echo(f"  {line}", err=True)

    async def once(hub: Hub) -> SyncReport:
        async with httpx.AsyncClient(timeout=timeout) as http:
            return await sync_peer(hub, region, http, progress, batch)

    async def periodic(hub: Hub) -> int:
        async with httpx.AsyncClient(timeout=timeout) as http:
            return await run_every(hub, region, every or 0, http, progress, rounds)

    try:
        if every is not None:
            failed = _run(periodic)
            click.echo(f"sync of {region} stopped: {failed} failed rounds")
            return
        report = _run(once)
    except PeerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"synced {region}: cursor {report.start} -> {report.cursor} in {report.batches} batches, "
        f"{report.written} records written, {report.unchanged} unchanged"
    )

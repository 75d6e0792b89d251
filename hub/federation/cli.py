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
        click.echo(
            f"{p.region}\t{p.base_url}\t{p.did}\t{p.agreement_iri or '(no agreement: receives nothing)'}"
            f"\t{p.client_id or '(no client)'}"
        )
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
def peers_add(
    region: str, base_url: str, did: str | None, agreement: str | None, client_id: str | None, client_secret: str | None
) -> None:
    from hub.federation.peers import PeerInput, add_peer, store_secret
    from hub.services.uow import unit_of_work

    if client_secret and not client_id:
        raise click.ClickException("--client-secret needs --client-id")
    data = PeerInput(region.upper(), base_url, did, agreement, client_id)

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

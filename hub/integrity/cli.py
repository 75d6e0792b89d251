"""`cfhub identity`: the hub's did:web signing keys. Rotating adds a key that signs from then on; every key still
in the ring stays in the DID document, so bundles and credentials signed before keep verifying until the key
is retired on purpose."""

from __future__ import annotations

import json

import click

from hub.config import Settings
from hub.integrity.identity import DidError, HubIdentity


def _identity() -> HubIdentity:
    from hub.bootstrap import hub_identity

    try:
        return hub_identity(Settings.from_env())
    except DidError as error:
        raise click.ClickException(str(error)) from None


@click.group(help="The hub's signing identity (did:web, Ed25519): list, rotate and retire its keys.")
def identity() -> None:
    pass


@identity.command("keys", help="List the identity's verification methods, oldest first; the last one signs.")
def identity_keys() -> None:
    hub_identity = _identity()
    document = hub_identity.did_document()
    methods = document["assertionMethod"]
    click.echo(f"DID {hub_identity.did}")
    for method in methods:
        click.echo(f"{method}{'  (current)' if method == methods[-1] else ''}")


@identity.command(
    "rotate-key",
    help="Generate a new identity key: it signs from now on (also in a running server); older keys stay in the "
    "DID document, so what they signed keeps verifying until they are retired.",
)
def identity_rotate_key() -> None:
    hub_identity = _identity()
    key = hub_identity.ring.rotate()
    click.echo(f"new identity key {hub_identity.method_id(key.kid)}")


@identity.command(
    "retire-key",
    help="Remove identity key KID from the DID document: bundles and credentials it signed stop verifying. "
    "The current key cannot be retired: rotate first.",
)
@click.argument("kid")
def identity_retire_key(kid: str) -> None:
    from hub.auth.keys import KeyRingError

    hub_identity = _identity()
    try:
        hub_identity.ring.retire(kid.rpartition("#")[2])
    except KeyRingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"retired identity key {kid}")


@identity.command("did", help="Print the DID document served at /.well-known/did.json.")
def identity_did() -> None:
    click.echo(json.dumps(_identity().did_document(), indent=2))

"""`cfhub vc verify FILE|URL`: check a label credential from the command line (proof, issuer, validity, status).

The hub's own DID and status lists are read from its database (the configured hub, like every other command);
another hub's DID documents are given with --did-document, and only a status list that is not this hub's is
fetched over HTTP(S), because the person at the command line asked for this credential to be checked.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import httpx

from hub.api.json_body import loads
from hub.validation import InvalidInput

MAX_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0


def _fetch_json(url: str) -> Any:
    """GET a JSON document (at most MAX_BYTES), or a ClickException saying why not."""
    try:
        with httpx.stream("GET", url, timeout=TIMEOUT_SECONDS, follow_redirects=True) as response:
            if response.status_code != 200:
                raise click.ClickException(f"{url}: HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise click.ClickException(f"{url}: larger than {MAX_BYTES} bytes")
    except httpx.HTTPError as error:
        raise click.ClickException(f"{url}: {error}") from None
    return _parse(bytes(body), url)


def _parse(raw: bytes, where: str) -> Any:
    try:
        return loads(raw)
    except InvalidInput as error:
        raise click.ClickException(f"{where} is not JSON: {error}") from None


def _read(source: str) -> Any:
    if source.startswith(("http://", "https://")):
        return _fetch_json(source)
    path = Path(source)
    if not path.is_file():
        raise click.ClickException(f"{source}: no such file (give a file or an http(s) URL)")
    return _parse(path.read_bytes(), source)


@click.group(help="W3C Verifiable Credentials of carbon labels.")
def vc() -> None:
    pass


@vc.command("verify", help="Check a credential (a file or an http(s) URL): proof, issuer, validity and status.")
@click.argument("source")
@click.option(
    "--did-document",
    "did_documents",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A DID document of another issuer to trust (repeatable); the hub's own DID is always known.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def verify(source: str, did_documents: tuple[Path, ...], as_json: bool) -> None:
    from hub.bootstrap import open_hub
    from hub.cli import _settings
    from hub.credentials import service
    from hub.credentials.verify import verify_credential

    document = _read(source)
    known: dict[str, Mapping[str, Any]] = {}
    for path in did_documents:
        did_document = _parse(path.read_bytes(), str(path))
        if not isinstance(did_document, dict) or not isinstance(did_document.get("id"), str):
            raise click.ClickException(f"{path}: a DID document needs an id")
        known[did_document["id"]] = did_document

    async def run() -> dict[str, Any]:
        hub = open_hub(_settings())
        try:
            async with hub.sessions() as session, session.begin():
                own = service.own_status_lists(hub, session)

                async def status_lists(url: str) -> Mapping[str, Any] | None:
                    listed = await own(url)
                    if listed is None and url.startswith(("http://", "https://")):
                        listed = await asyncio.to_thread(_fetch_json, url)
                    return listed

                dids = service.own_dids(hub, known)
                report = await verify_credential(document, dids, status_lists, hub.clock.now())
                return report.as_json()
        finally:
            await hub.close()

    result = asyncio.run(run())
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for check in result["checks"]:
            click.echo(f"{'ok  ' if check['ok'] else 'FAIL'} {check['check']}: {check['detail']}")
        click.echo("verified" if result["verified"] else "NOT verified")
    sys.exit(0 if result["verified"] else 1)

"""`cfhub pact`: PACT partners, pulling a supplier's footprints, asking a partner for footprints, the outbox."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import click
import httpx


@click.group(help="PACT v3 exchange: partners, pulls from PACT hosts, requests and the outbox of events.")
def pact() -> None:
    pass


@pact.group(help="The PACT hosts this hub exchanges with.")
def partners() -> None:
    pass


def _hub() -> Any:
    from hub.bootstrap import open_hub
    from hub.cli import _settings

    return open_hub(_settings())


@partners.command("add", help="Register a partner's PACT host and the client credentials it gave this hub.")
@click.argument("name")
@click.argument("base_url")
@click.option("--client-id", required=True, envvar="CFHUB_PACT_CLIENT_ID")
@click.option("--client-secret", required=True, envvar="CFHUB_PACT_CLIENT_SECRET", help="Or CFHUB_PACT_CLIENT_SECRET.")
@click.option("--token-url", default=None, help="Default: BASE_URL/auth/token.")
@click.option("--org", default=None, help="The organization (key or IRI) the partner's own calls act as here.")
def partners_add(
    name: str, base_url: str, client_id: str, client_secret: str, token_url: str | None, org: str | None
) -> None:
    from hub.cli import _org_iri, _settings
    from hub.pact.partners import PartnerInput, add_partner
    from hub.services.uow import unit_of_work
    from hub.validation import InvalidInput

    org_iri = _org_iri(_settings(), org) if org else None
    data = PartnerInput(name, base_url, client_id, client_secret, token_url, org_iri)

    async def run() -> None:
        hub = _hub()
        try:
            async with unit_of_work(hub.sessions) as session:
                await add_partner(session, data)
        finally:
            await hub.close()

    try:
        asyncio.run(run())
    except InvalidInput as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"partner {name}: {base_url}")


@partners.command("list", help="The partners, without their secrets.")
def partners_list() -> None:
    from hub.pact.partners import list_partners

    async def run() -> list[Any]:
        hub = _hub()
        try:
            async with hub.sessions() as session:
                return await list_partners(session)
        finally:
            await hub.close()

    for p in asyncio.run(run()):
        click.echo(
            f"{p.name}\t{p.base_url}\ttoken: {p.token_url}\tclient: {p.client_id}\tacts as: {p.organization_iri or '-'}"
        )


@pact.command(
    "pull", help="Pull every footprint a PACT host lists for this hub, and store them as supplier footprints."
)
@click.argument("url")
@click.option("--client-id", default=None, envvar="CFHUB_PACT_CLIENT_ID", help="Default: the partner's at URL.")
@click.option("--client-secret", default=None, envvar="CFHUB_PACT_CLIENT_SECRET", help="Or CFHUB_PACT_CLIENT_SECRET.")
@click.option("--as", "actor", default=None, help="Who pulls (organization key or IRI), for the provenance.")
@click.option("--limit", default=100, type=click.IntRange(1, 1000), help="Footprints per page.")
def pull_command(url: str, client_id: str | None, client_secret: str | None, actor: str | None, limit: int) -> None:
    from sqlalchemy import select

    from hub.cli import _org_iri, _settings
    from hub.db.models import PactPartner
    from hub.pact.client import PactClient
    from hub.pact.pull import pull, token_url_of

    base = url.rstrip("/")
    who = _org_iri(_settings(), actor) if actor else f"{_settings().base_iri}system/pact-pull"

    async def run() -> dict[str, Any]:
        hub = _hub()
        try:
            async with hub.sessions() as session:
                partner = await session.scalar(select(PactPartner).where(PactPartner.base_url == base))
            cid = client_id or (partner.client_id if partner else None)
            secret = client_secret or (partner.client_secret if partner else None)
            if not cid or not secret:
                raise click.ClickException(
                    f"no credentials for {base}: pass --client-id/--client-secret or add it as a partner"
                )
            async with httpx.AsyncClient(timeout=60) as http:
                token_url = partner.token_url if partner else await token_url_of(http, base)
                report = await pull(hub, PactClient(base, token_url, cid, secret, http), who, limit)
            return report.as_dict()
        finally:
            await hub.close()

    result = asyncio.run(run())
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    if result["error"]:
        raise click.ClickException(result["error"])


@pact.command("request", help="Ask partner NAME for footprints (a RequestCreatedEvent, sent through the outbox).")
@click.argument("name")
@click.option("--product-id", "product_ids", multiple=True, help="A product URN (repeatable).")
@click.option("--company-id", "company_ids", multiple=True, help="A company URN (repeatable).")
@click.option("--comment", default=None)
def request_command(name: str, product_ids: tuple[str, ...], company_ids: tuple[str, ...], comment: str | None) -> None:
    from hub.pact.partners import partner_named
    from hub.pact.requests import send_request
    from hub.services.uow import unit_of_work
    from hub.validation import InvalidInput

    criteria: dict[str, Any] = {"productId": list(product_ids), "companyId": list(company_ids), "comment": comment}
    criteria = {k: v for k, v in criteria.items() if v}

    async def run() -> str:
        hub = _hub()
        try:
            async with unit_of_work(hub.sessions) as session:
                return (await send_request(session, hub, await partner_named(session, name), criteria)).event_id
        finally:
            await hub.close()

    try:
        click.echo(f"request {asyncio.run(run())} queued for {name}: a serving hub sends it and stores the answer")
    except InvalidInput as refused:
        raise click.ClickException(str(refused)) from None


@pact.command("outbox", help="The outgoing PACT events: status, attempts, last error.")
def outbox_command() -> None:
    from sqlalchemy import select

    from hub.db.models import PactOutboxEvent

    async def run() -> list[Any]:
        hub = _hub()
        try:
            async with hub.sessions() as session:
                return list(await session.scalars(select(PactOutboxEvent).order_by(PactOutboxEvent.id)))
        finally:
            await hub.close()

    for e in asyncio.run(run()):
        click.echo(
            f"{e.event_id}\t{e.event_type.rsplit('.', 2)[-2]}\t{e.status}\tattempts {e.attempts}\t{e.last_error or ''}"
        )

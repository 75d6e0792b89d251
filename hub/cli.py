"""The `cfhub` command: serve the hub, run migrations, load demo data, check the audit trail."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING, Any, Literal

import click

from hub.config import Settings
from hub.credentials.cli import vc as vc_group
from hub.db import migrate
from hub.labels.cli import labels as labels_group
from hub.mapping.cli import mappings as mappings_group
from hub.pact import cli as pact_cli
from hub.sheets.cli import import_sheet
from rules_engine.cli import rules as rules_group

if TYPE_CHECKING:
    from hub.db.models import Organization


def _settings(database: Literal["ready", "exists", "create"] = "ready") -> Settings:
    """The settings from the environment, after checking that the configured database is there.

    `database`: "ready" (migrated: most commands), "exists" (the file or server, tables or not: `db current`,
    `db downgrade`) or "create" (`serve`, `db upgrade`, `demo load`: the only commands that may create one).
    Anything missing is one line and exit code 1, never an empty `cfhub.db` and a traceback."""
    from hub.bootstrap import database_problem

    settings = Settings.from_env()
    if database != "create":
        problem = database_problem(settings.database_url, need_tables=database == "ready")
        if problem:
            raise click.ClickException(problem)
    return settings


WORKER_START_SECONDS = 120


@click.group(help="cfhub: the product-carbon-footprint data-exchange hub.")
def main() -> None:
    pass


@main.command(help="Print cfhub's version.")
def version() -> None:
    click.echo(f"cfhub {package_version('cfhub')}")


@main.command(help="Serve the hub over HTTP with uvicorn (migrates the database first).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Create the database if needed and fill it with the demo data.")
@click.option("--dev", is_flag=True, help="Dev mode: GraphiQL on GET /graphql, unmasked errors.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (PostgreSQL only; what they share: docs/deploy.md).",
)
def serve(host: str, port: int, demo: bool, dev: bool, workers: int) -> None:
    import os

    import uvicorn
    from sqlalchemy.engine import make_url

    settings = _settings("create")
    if workers > 1 and make_url(settings.database_url).get_backend_name() == "sqlite":
        raise click.UsageError(
            "--workers needs PostgreSQL: SQLite has one writer per file, and workers writing at once wait on its "
            "lock or fail with 'database is locked'. Set CFHUB_DATABASE_URL to a PostgreSQL database, or serve "
            "with one worker."
        )
    if dev:
        os.environ["CFHUB_DEV"] = "1"  # each worker reads its settings from the environment
    migrate.upgrade(settings.database_url)  # once, before any worker starts
    if demo:
        _load_demo(settings, skip_if_present=True)
    click.echo(
        f"cfhub serving {settings.region.value} hub on http://{host}:{port}/graphql "
        f"({workers} worker{'s' if workers > 1 else ''}, database {settings.database_url})"
    )
    uvicorn.run(
        "hub.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # a worker builds its hub (policy, schema, rule sets) before it answers the supervisor's first ping: on a
        # busy machine that takes longer than uvicorn's 5 s, and a worker killed for it restarts forever
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )


@main.group(help="Database migrations (alembic).")
def db() -> None:
    pass


@db.command("upgrade", help="Migrate the database up to REVISION (default: the newest).")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    settings = _settings("create")
    migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {migrate.current(settings.database_url)}")


@db.command("downgrade", help="Migrate the database down to REVISION (default: one step; 'base' empties it).")
@click.option("--revision", default="-1", show_default=True)
def db_downgrade(revision: str) -> None:
    settings = _settings("exists")
    migrate.downgrade(settings.database_url, revision)
    click.echo(f"database at {migrate.current(settings.database_url) or 'base'}")


@db.command("current", help="Print the database's migration revision.")
def db_current() -> None:
    click.echo(migrate.current(_settings("exists").database_url) or "base")


@main.group(help="Demo data.")
def demo() -> None:
    pass


@demo.command("load", help="Migrate the database and load the demo data (refused if the hub already has data).")
def demo_load() -> None:
    settings = _settings("create")
    migrate.upgrade(settings.database_url)
    _load_demo(settings, skip_if_present=False)


def _load_demo(settings: Settings, skip_if_present: bool) -> None:
    from hub.bootstrap import open_hub
    from hub.demo.loader import is_loaded, load_demo

    async def run() -> None:
        hub = open_hub(settings)
        try:
            if await is_loaded(hub):
                if skip_if_present:
                    click.echo("demo: the database already holds data; nothing loaded")
                    return
                raise click.ClickException("the database already holds data: load the demo into an empty one")
            counts = await load_demo(hub, progress=lambda msg: click.echo(f"  loading {msg}"))
            click.echo(
                f"demo loaded: {counts.categories} categories, {counts.organizations} organizations, "
                f"{counts.emission_factors} emission factors, {counts.footprints} footprints, "
                f"{counts.decisions} decisions, {counts.labels} labels"
            )
        finally:
            await hub.close()

    asyncio.run(run())


main.add_command(rules_group)
main.add_command(mappings_group)


@rules_group.command(
    "explain",
    help="Explain how RULESET_ID decides FOOTPRINT: a footprint IRI on this hub, "
    'or a JSON file of facts ({"fp": {...}, "benchmark": {...}}).',
)
@click.argument("ruleset_id")
@click.argument("footprint")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--on", "on", default=None, help="Decision date, YYYY-MM-DD (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the decision with its trace as JSON.")
def rules_explain(ruleset_id: str, footprint: str, lang: str, on: str | None, as_json: bool) -> None:
    import json
    from datetime import date
    from pathlib import Path

    from rules_engine import NoRuleSet, load_registry

    day = date.fromisoformat(on) if on else date.today()
    path = Path(footprint)
    if path.is_file():  # a facts file: the rule sets of this hub's files (CFHUB_RULESETS)
        rules_dir = Settings.from_env().rulesets_dir
        facts, rules = json.loads(path.read_text(encoding="utf-8")), load_registry(rules_dir)
    else:  # a footprint of the hub: the rule sets in force there, published versions included
        facts, rules = _footprint_facts(footprint, day)
    try:
        decision = rules.decide_ruleset(ruleset_id, facts, day)
    except NoRuleSet as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(decision.to_dict(), ensure_ascii=False, indent=2) if as_json else decision.explain(lang))


def _footprint_facts(iri: str, on: date) -> tuple[dict[str, Any], Any]:
    from hub.bootstrap import open_hub
    from hub.services.decisions import facts_of_footprint

    async def run() -> tuple[dict[str, Any], Any]:
        hub = open_hub(_settings())
        try:
            async with hub.sessions() as session:
                return await facts_of_footprint(session, iri, on), await hub.documents.registry(session)
        finally:
            await hub.close()

    try:
        return asyncio.run(run())
    except LookupError as error:
        raise click.ClickException(str(error)) from error


@main.group(help="Bearer tokens and their signing keys.")
def token() -> None:
    pass


def _org_iri(settings: Settings, org: str) -> str:
    return org if "://" in org else f"{settings.base_iri}org/{org}"


async def _organization(settings: Settings, org: str) -> Organization:
    from sqlalchemy import select

    from hub.bootstrap import open_hub
    from hub.db.models import Organization

    hub = open_hub(settings)
    try:
        async with hub.sessions() as session:
            found = await session.scalar(select(Organization).where(Organization.iri == _org_iri(settings, org)))
    finally:
        await hub.close()
    if found is None:
        raise click.ClickException(f"no organization {_org_iri(settings, org)} on this hub")
    return found


@token.command("issue", help="Issue a bearer token for an organization (development and scripts).")
@click.option("--org", required=True, help="Organization key (e.g. zj-battery) or IRI.")
@click.option("--role", required=True, help="Role to act in: must be the organization's kind.")
@click.option(
    "--ttl",
    default=None,
    type=click.IntRange(60, 86_400),
    help="Lifetime in seconds, 60 (a minute) to 86400 (a day) (default: CFHUB_TOKEN_TTL_SECONDS).",
)
def token_issue(org: str, role: str, ttl: int | None) -> None:
    from datetime import timedelta

    from hub.auth.clients import principal_for
    from hub.bootstrap import token_service

    settings = _settings()
    try:
        tokens = token_service(settings)
    except ValueError as exc:  # a configured lifetime out of bounds
        raise click.ClickException(str(exc)) from None
    found = asyncio.run(_organization(settings, org))
    if found.kind.value != role:
        raise click.ClickException(
            f"{found.iri} is a {found.kind.value}; it can only act as role {found.kind.value}, not {role}"
        )
    click.echo(tokens.issue(principal_for(found), ttl=None if ttl is None else timedelta(seconds=ttl)))


@token.command(
    "rotate-key",
    help="Generate a new signing key: it signs at once, also in a running server; older keys keep verifying "
    "until retired.",
)
def token_rotate_key() -> None:
    from hub.bootstrap import token_service

    key = token_service(_settings()).keys.rotate()
    click.echo(f"new signing key {key.kid}")


@token.command(
    "retire-key",
    help="Delete signing key KID: tokens it signed stop verifying at once, also in a running server. "
    "The current (newest) key cannot be retired: rotate first.",
)
@click.argument("kid")
def token_retire_key(kid: str) -> None:
    from hub.auth.keys import KeyRingError
    from hub.bootstrap import token_service

    try:
        token_service(_settings()).keys.retire(kid)
    except KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"retired signing key {kid}")


@token.command("keys", help="List the signing keys (kids), newest last; the newest signs, all verify.")
def token_keys() -> None:
    from hub.bootstrap import token_service

    ring = token_service(_settings()).keys
    kids = ring.kids()
    for kid in kids:
        click.echo(f"{kid}{'  (current)' if kid == kids[-1] else ''}")
    if not kids:
        click.echo(f"no signing keys yet in {ring.folder} (one is made at the first start)")


@main.group(help="OAuth2 machine clients (client-credentials grant at /oauth/token).")
def client() -> None:
    pass


@client.command("create", help="Register a client for an organization; prints its id and secret once.")
@click.option("--org", required=True, help="Organization key (e.g. yrd-platform) or IRI.")
def client_create(org: str) -> None:
    from hub.auth.clients import create_client
    from hub.bootstrap import open_hub
    from hub.services.uow import unit_of_work

    settings = _settings()
    found = asyncio.run(_organization(settings, org))

    async def run() -> tuple[str, str]:
        hub = open_hub(settings)
        try:
            async with unit_of_work(hub.sessions) as session:
                return await create_client(session, await session.merge(found))
        finally:
            await hub.close()

    client_id, secret = asyncio.run(run())
    click.echo(f"client_id: {client_id}\nclient_secret: {secret}\n(the secret is not stored: keep it now)")


@client.command(
    "revoke",
    help="Revoke client CLIENT_ID: it gets no more tokens, and the tokens it holds are refused from the next "
    "request on (no restart).",
)
@click.argument("client_id")
def client_revoke(client_id: str) -> None:
    from hub.auth.clients import ClientInfo, UnknownClient, revoke_client
    from hub.bootstrap import open_hub
    from hub.services.uow import unit_of_work

    async def run() -> ClientInfo:
        hub = open_hub(_settings())
        try:
            async with unit_of_work(hub.sessions) as session:
                return await revoke_client(session, client_id)
        finally:
            await hub.close()

    try:
        info = asyncio.run(run())
    except UnknownClient as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked {info.client_id} ({info.organization_iri}) at {info.revoked_at:%Y-%m-%dT%H:%M:%S%z}")


@client.command("list", help="List the OAuth clients: id, organization, created, revoked (or 'active').")
def client_list() -> None:
    from hub.auth.clients import ClientInfo, list_clients
    from hub.bootstrap import open_hub

    async def run() -> list[ClientInfo]:
        hub = open_hub(_settings())
        try:
            async with hub.sessions() as session:
                return await list_clients(session)
        finally:
            await hub.close()

    for info in asyncio.run(run()):
        revoked = f"revoked {info.revoked_at:%Y-%m-%dT%H:%M:%S}" if info.revoked_at else "active"
        click.echo(f"{info.client_id}\t{info.organization_iri}\tcreated {info.created_at:%Y-%m-%dT%H:%M:%S}\t{revoked}")


@main.group(help="The audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the audit chain; names the first broken link.")
def audit_verify() -> None:
    from hub.bootstrap import open_hub
    from hub.services.audit import verify_chain

    async def run() -> None:
        hub = open_hub(_settings())
        try:
            async with hub.sessions() as session:
                check = await verify_chain(session)
        finally:
            await hub.close()
        if check.ok:
            click.echo(f"audit chain intact: {check.events} events")
            return
        click.echo(f"audit chain broken at event {check.first_broken_id}: {check.reason}", err=True)
        sys.exit(1)

    asyncio.run(run())


from hub.federation.cli import export_bundle, import_bundle_command, peers, sync_command  # noqa: E402 (federation, issue 11)
from hub.integrity.cli import identity  # noqa: E402

for _command in (peers, export_bundle, import_bundle_command, identity, sync_command):
    main.add_command(_command)
main.add_command(vc_group)
main.add_command(pact_cli.pact)
main.add_command(labels_group)
main.add_command(import_sheet)
from hub.sources.cli import import_source_command  # noqa: E402 (cross-source datasets, issue 14)

main.add_command(import_source_command)
from hub.quality.cli import quality as quality_group  # noqa: E402 (data quality, issue 14 item 4)

main.add_command(quality_group)

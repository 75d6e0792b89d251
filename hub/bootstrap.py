"""The one place that wires the hub: settings -> engine -> sessions, policy, token keys, signing identity,
clock, the published documents in force and the GraphQL schema.

Everything a hub keeps between requests lives on its `Hub`, never in a module global, so two hubs in one
process (tests, a future multi-region host) never see each other's data. Services that are handed only a
session reach their hub's clock, policy and published documents through `Session.info`, which the hub's
sessionmaker fills (hub/clock.py `clock_of`, hub/services/published.py `documents_of`).
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.auth.clients import ClientAuthenticator
from hub.auth.hashing import SecretChecker
from hub.auth.keys import KeyRing
from hub.auth.throttle import FailureThrottle
from hub.auth.tokens import TokenService
from hub.clock import CLOCK_KEY, SYSTEM_CLOCK, Clock
from hub.config import Settings
from hub.credentials.cache import VerificationCache
from hub.db.engine import make_async_engine, make_sessionmaker
from hub.decisions.registry import ShippedRuleSets
from hub.integrity.identity import IDENTITY_FOLDER, HubIdentity, did_web
from hub.policy.load import default_policy
from hub.policy.model import Policy
from hub.policy.session import POLICY_KEY
from hub.public.kept import PageCache
from hub.queries.counting import CountCache
from hub.services.published import DOCUMENTS_KEY, PublishedDocuments
from hub.units import UNITS_KEY, Units

if TYPE_CHECKING:
    import strawberry

    from hub.federation.query import PeerSession


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    policy: Policy
    tokens: TokenService
    clients: ClientAuthenticator
    documents: PublishedDocuments
    identity: HubIdentity
    clock: Clock = SYSTEM_CLOCK
    units: Units = field(default_factory=Units)
    _schema: strawberry.Schema | None = field(default=None, repr=False)
    # What this hub keeps of each peer hub between federated queries, by base URL (hub/federation/query.py)
    peer_sessions: dict[str, PeerSession] = field(default_factory=dict, repr=False)
    # Reports of its own label credentials, kept between label page views (hub/credentials/cache.py)
    verifications: VerificationCache = field(default_factory=VerificationCache, repr=False)
    # Printed label certificates by the hash of what they say (hub/public/certificate.py `kept`)
    certificates: OrderedDict[str, bytes] = field(default_factory=OrderedDict, repr=False)
    # Rendered public label pages, by what they were made from (hub/public/kept.py)
    pages: PageCache = field(default_factory=PageCache, repr=False)
    # Exact counts per (statement, parameters, data version) (hub/queries/counting.py): totalCount of a large set
    counts: CountCache = field(default_factory=CountCache, repr=False)

    @property
    def schema(self) -> strawberry.Schema:
        """This hub's GraphQL schema, built on first use (importing the API here would import it in cycles)."""
        if self._schema is None:
            from hub.api.graphql_schema import build_schema

            self._schema = build_schema(self.settings)
        return self._schema

    @property
    def rulesets(self) -> ShippedRuleSets:
        """The rule sets this hub ships with (`Settings.rulesets_dir`), under the versions published through it."""
        return self.documents.rulesets

    async def close(self) -> None:
        self.clients.close()
        await self.engine.dispose()


def client_authenticator(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> ClientAuthenticator:
    throttle = FailureThrottle(sessions, settings.oauth_failures_per_client, settings.oauth_failures_per_address)
    return ClientAuthenticator(sessions, throttle, SecretChecker(workers=settings.oauth_hash_workers))


def token_service(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> TokenService:
    return TokenService(
        keys=KeyRing(settings.key_dir),
        issuer=settings.base_iri,
        audience=f"{settings.base_iri}api",
        ttl=timedelta(seconds=settings.token_ttl_seconds),
        clock=clock.now,
    )


def hub_identity(settings: Settings) -> HubIdentity:
    """The hub's signing identity; a public base URL that names no did:web stops the start."""
    ring = KeyRing(settings.key_dir, IDENTITY_FOLDER, rotate_command="cfhub identity rotate-key")
    return HubIdentity(ring, did_web(settings.public_base_url))


def open_hub(settings: Settings | None = None, policy: Policy | None = None, clock: Clock | None = None) -> Hub:
    """Wire the hub; the policy is loaded and validated here, so a broken policy stops the start."""
    settings = settings or Settings.from_env()
    policy = policy or default_policy()
    clock = clock or SYSTEM_CLOCK
    documents = PublishedDocuments(ShippedRuleSets(settings.rulesets_dir))
    identity = hub_identity(settings)
    engine = make_async_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    units = Units()  # this hub's unit registry (hub/units): services reach it through Session.info
    sessions.configure(info={CLOCK_KEY: clock, DOCUMENTS_KEY: documents, UNITS_KEY: units, POLICY_KEY: policy})
    clients = client_authenticator(settings, sessions)
    tokens = token_service(settings, clock)
    tokens.revoked = clients.revoked
    return Hub(
        settings=settings,
        engine=engine,
        sessions=sessions,
        policy=policy,
        tokens=tokens,
        clients=clients,
        clock=clock,
        documents=documents,
        identity=identity,
        units=units,
    )


# -- is the configured database there? ---------------------------------------------------------------

HOW_TO_FIX = "run `cfhub db upgrade` or `cfhub serve --demo` there, or set CFHUB_DATABASE_URL"


def database_problem(url: str, need_tables: bool = True) -> str | None:
    """Why the database at `url` cannot serve a command that reads it, in one line; None when it can.

    Looking never creates anything: opening a missing SQLite file would create an empty one, so commands
    other than `serve`, `db upgrade` and `demo load` ask here first."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_problem(parsed.database or "", need_tables)
    from hub.db import migrate  # alembic: imported only by the commands that ask

    try:
        revision = migrate.current(url)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"Cannot reach the database {parsed.render_as_string()}: {reason}. Check CFHUB_DATABASE_URL."
    if need_tables and revision is None:
        return f"The database {parsed.render_as_string()} has no cfhub tables: {HOW_TO_FIX}."
    return None


def _sqlite_problem(database: str, need_tables: bool) -> str | None:
    if database in ("", ":memory:"):
        return None
    path = Path(database).resolve()
    if not path.is_file():
        return f"No cfhub database at {path}: {HOW_TO_FIX}."
    if not need_tables:
        return None
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
            found = conn.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
            revision = found and conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as error:
        return f"{path} is not a readable cfhub database ({error}): {HOW_TO_FIX}."
    if not revision:
        return f"The database at {path} has no cfhub tables: {HOW_TO_FIX}."
    return None

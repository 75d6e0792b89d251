"""Configuration from the environment: every setting has a safe default for the embedded quick start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hub.domain.codes import Region
from hub.resources import data_dir


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL. The default is an SQLite file in the working directory, created on first run.
    database_url: str = "sqlite:///cfhub.db"
    # Stem of every record's IRI (its JSON-LD @id); one per hub.
    base_iri: str = "https://zj.cfhub.example.org/id/"
    region: Region = Region.ZJ
    # Where the hub is reached from outside (an origin: scheme://host[:port]); its did:web identity is derived
    # from it (hub/integrity/identity.py) and published at <public_base_url>/.well-known/did.json.
    public_base_url: str = "http://127.0.0.1:8000"
    # Dev mode: GraphiQL, field suggestions and unmasked errors. Off unless asked for.
    dev: bool = False
    # Where generated keys (token signing, bundle signing) live; created on first run, never committed.
    key_dir: Path = field(default_factory=lambda: Path(".cfhub") / "keys")
    # Bearer tokens (hub/auth): lifetime of issued tokens, in seconds.
    token_ttl_seconds: int = 3600
    # GraphQL protection (hub/api/protection.py), on by default. graphql-armor's defaults, except depth:
    # a Relay connection adds two levels (edges, node), so 8 here allows what 6 allows without them.
    max_depth: int = 8
    max_aliases: int = 15
    max_tokens: int = 1000
    max_directives: int = 50
    # Our cost counts every field once per parent item (graphql-armor weighs objects and depth instead):
    # the 100-footprint page with product, category, owner, labels and decisions that platforms ask for
    # estimates at about 6,400, so 10,000 serves it while a page of pages is still refused.
    max_cost: int = 10_000
    max_body_bytes: int = 100_000
    # Queries over GET (never mutations): dev mode only unless asked for.
    graphql_get: bool | None = None
    # Introspection for the public role (authenticated roles always may): dev mode only unless asked for.
    public_introspection: bool | None = None
    # /oauth/token (hub/auth/throttle.py): failed client authentications allowed per moving window, per
    # client id and per address (the `limits` notation "N/second|minute|hour"); then 429 until one expires.
    oauth_failures_per_client: str = "10/minute"
    oauth_failures_per_address: str = "30/minute"
    # Client secrets hashed at once (scrypt takes ~16 MiB each), off the event loop.
    oauth_hash_workers: int = 4
    # The rule sets the hub ships with (hub/decisions/registry.py): the installation's `rulesets/` unless set.
    rulesets_dir: Path = field(default_factory=lambda: data_dir("rulesets"))
    # Federated queries (hub/federation/query.py): the longest a peer hub may take to answer, token included.
    peer_timeout_seconds: float = 5.0

    @property
    def allow_get(self) -> bool:
        return self.dev if self.graphql_get is None else self.graphql_get

    @property
    def allow_public_introspection(self) -> bool:
        return self.dev if self.public_introspection is None else self.public_introspection

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("CFHUB_DATABASE_URL", defaults.database_url),
            base_iri=_with_slash(env.get("CFHUB_BASE_IRI", defaults.base_iri)),
            region=Region(env.get("CFHUB_REGION", defaults.region.value)),
            public_base_url=env.get("CFHUB_PUBLIC_BASE_URL", defaults.public_base_url),
            dev=_flag(env.get("CFHUB_DEV")),
            key_dir=Path(env.get("CFHUB_KEY_DIR", str(defaults.key_dir))),
            token_ttl_seconds=int(env.get("CFHUB_TOKEN_TTL_SECONDS", defaults.token_ttl_seconds)),
            max_depth=int(env.get("CFHUB_MAX_DEPTH", defaults.max_depth)),
            max_aliases=int(env.get("CFHUB_MAX_ALIASES", defaults.max_aliases)),
            max_tokens=int(env.get("CFHUB_MAX_TOKENS", defaults.max_tokens)),
            max_directives=int(env.get("CFHUB_MAX_DIRECTIVES", defaults.max_directives)),
            max_cost=int(env.get("CFHUB_MAX_COST", defaults.max_cost)),
            max_body_bytes=int(env.get("CFHUB_MAX_BODY_BYTES", defaults.max_body_bytes)),
            graphql_get=_optional_flag(env.get("CFHUB_GRAPHQL_GET")),
            public_introspection=_optional_flag(env.get("CFHUB_PUBLIC_INTROSPECTION")),
            oauth_failures_per_client=env.get("CFHUB_OAUTH_FAILURES_PER_CLIENT", defaults.oauth_failures_per_client),
            oauth_failures_per_address=env.get("CFHUB_OAUTH_FAILURES_PER_ADDRESS", defaults.oauth_failures_per_address),
            oauth_hash_workers=int(env.get("CFHUB_OAUTH_HASH_WORKERS", defaults.oauth_hash_workers)),
            rulesets_dir=Path(env["CFHUB_RULESETS"]) if env.get("CFHUB_RULESETS") else defaults.rulesets_dir,
            peer_timeout_seconds=float(env.get("CFHUB_PEER_TIMEOUT_SECONDS", defaults.peer_timeout_seconds)),
        )


def _optional_flag(value: str | None) -> bool | None:
    return None if value is None or not value.strip() else _flag(value)


def _with_slash(iri: str) -> str:
    return iri if iri.endswith("/") else iri + "/"

"""Configuration from the environment: every setting has a safe default for the embedded quick start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hub.domain.codes import Region


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL. The default is an SQLite file in the working directory, created on first run.
    database_url: str = "sqlite:///cfhub.db"
    # Stem of every record's IRI (its JSON-LD @id); one per hub.
    base_iri: str = "https://zj.cfhub.example.org/id/"
    region: Region = Region.ZJ
    # Dev mode: GraphiQL, field suggestions and unmasked errors. Off unless asked for.
    dev: bool = False
    # Where generated keys (token signing, bundle signing) live; created on first run, never committed.
    key_dir: Path = field(default_factory=lambda: Path(".cfhub") / "keys")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("CFHUB_DATABASE_URL", defaults.database_url),
            base_iri=_with_slash(env.get("CFHUB_BASE_IRI", defaults.base_iri)),
            region=Region(env.get("CFHUB_REGION", defaults.region.value)),
            dev=_flag(env.get("CFHUB_DEV")),
            key_dir=Path(env.get("CFHUB_KEY_DIR", str(defaults.key_dir))),
        )


def _with_slash(iri: str) -> str:
    return iri if iri.endswith("/") else iri + "/"

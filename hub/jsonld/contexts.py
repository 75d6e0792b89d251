"""The JSON-LD contexts and documents the hub serves at stable URLs, and the local file behind each."""

from __future__ import annotations

from pathlib import Path

from hub.jsonld.datadir import MAPPINGS_DIR, SCHEMA_DIR

BASE_URL = "https://w3id.org/cfhub/contexts/"

# name -> local file; served as /contexts/{name}.jsonld and resolved offline from BASE_URL{name}.jsonld
CONTEXT_FILES: dict[str, Path] = {
    "zj": SCHEMA_DIR / "jsonld" / "context.jsonld",
    "vocab": SCHEMA_DIR / "jsonld" / "vocab.jsonld",
    "codelists": SCHEMA_DIR / "jsonld" / "codelists.jsonld",
    "yrd": MAPPINGS_DIR / "yrd" / "context.jsonld",
    "gba": MAPPINGS_DIR / "gba" / "context.jsonld",
    "pact": MAPPINGS_DIR / "pact" / "context.jsonld",
    "battery-passport": MAPPINGS_DIR / "battery-passport" / "context.jsonld",
    "catenax-pcf": MAPPINGS_DIR / "catenax-pcf" / "context.jsonld",
    "bundle": SCHEMA_DIR / "contexts" / "bundle.jsonld",
    "label-credential": Path(__file__).resolve().parent.parent / "integrity" / "contexts" / "label-credential.jsonld",
}


def context_url(name: str) -> str:
    return f"{BASE_URL}{name}.jsonld"


def local_file(url: str) -> Path | None:
    """The local file for a context URL the hub serves, or None."""
    if not url.startswith(BASE_URL) or not url.endswith(".jsonld"):
        return None
    return CONTEXT_FILES.get(url[len(BASE_URL) : -len(".jsonld")])

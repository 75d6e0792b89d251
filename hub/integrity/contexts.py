"""The JSON-LD contexts Data Integrity's `eddsa-rdfc-2022` needs, shipped with the hub and loaded offline.

RDF canonicalisation expands a document through its @context, and a context is a URL. A verifier that fetched
those URLs would let whoever serves them change what a signed document means (and would hang without a
network), so the hub resolves a fixed set of URLs from files in `hub/integrity/contexts/` (W3C Verifiable
Credentials 2.0, Bitstring Status List 1.0, the W3C examples vocabulary of the test vectors) and the hub's own
JSON-LD contexts (`hub.jsonld`, the label credential's vocabulary among them); every other URL is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyld.jsonld import JsonLdError

from hub.jsonld.contexts import context_url
from hub.jsonld.loader import offline_loader

HERE = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
LABEL_V1 = context_url("label-credential")  # one of the hub's own contexts: served at /contexts/label-credential.jsonld

SHIPPED: MappingProxyType[str, Path] = MappingProxyType(
    {
        VC_V2: HERE / "credentials-v2.jsonld",
        STATUS_LIST_V1: HERE / "bitstring-status-list-v1.jsonld",
        EXAMPLES_V2: HERE / "credentials-examples-v2.jsonld",
    }
)


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


# Parsed once at import: read-only data shipped with the code, like the policy schema, not state.
_DOCUMENTS: MappingProxyType[str, Any] = MappingProxyType({url: _read(path) for url, path in SHIPPED.items()})


def shipped_context(url: str) -> Any | None:
    """The parsed context shipped for `url`, or None."""
    return _DOCUMENTS.get(url)


def context_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader: the shipped contexts, then the hub's own; anything else raises JsonLdError.

    Each answer is tagged "static": pyld then keeps the resolved context in its own cache of immutable
    contexts and does not resolve it again for every document (four times faster canonicalisation)."""
    document = _DOCUMENTS.get(url)
    if document is None:
        try:
            return {**offline_loader(url, options), "tag": "static"}
        except JsonLdError:
            raise JsonLdError(
                f"Refusing to fetch {url!r}: Data Integrity canonicalisation loads contexts offline, and this URL "
                f"is not one the hub ships ({', '.join(SHIPPED)} or hub.jsonld.contexts).",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            ) from None
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        "tag": "static",
    }

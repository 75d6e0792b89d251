"""A pyld document loader that never touches the network: every context URL the hub uses resolves to a
local file; anything else is refused with a JsonLdError naming the URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from pyld.jsonld import JsonLdError

from hub.jsonld.contexts import local_file


@cache
def _read(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Resolve `url` from the hub's own files (pyld document-loader signature)."""
    path = local_file(url)
    if path is None or not path.exists():
        raise JsonLdError(
            f"Refusing to fetch {url!r}: cfhub resolves JSON-LD contexts offline, and this URL is not one of "
            "the hub's contexts (hub.jsonld.contexts.CONTEXT_FILES).",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _read(str(path)),
    }


def jsonld_options() -> dict[str, Callable[..., Any]]:
    """Options to pass to every pyld call: `jsonld.expand(doc, jsonld_options())`."""
    return {"documentLoader": offline_loader}

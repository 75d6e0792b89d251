"""The OpenAPI document of the PACT routes (hub/pact/openapi.yaml, data), served at /openapi.json."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml
from starlette.requests import Request
from starlette.responses import Response

from hub.pact.links import public_origin

SOURCE = Path(__file__).with_name("openapi.yaml")


@cache
def declared() -> dict[str, Any]:
    """The document as written (read once: it is part of the installed code, the same for every hub)."""
    loaded: dict[str, Any] = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return loaded


async def document(request: Request) -> Response:
    """The document with `servers` naming this hub's public origin."""
    body = {**declared(), "servers": [{"url": public_origin(request)}]}
    return Response(orjson.dumps(body), media_type="application/json", headers={"Cache-Control": "public, max-age=60"})

"""The PACT v3 host's REST routes: ListFootprints and GetFootprint, the token endpoint, OpenID discovery and
the OpenAPI document. Handlers decode the request, call the read in hub/queries/pact.py, and encode.

`POST /3/events` is the events module's (hub/pact/events.py), added to `routes` there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.auth import endpoints as oauth
from hub.bootstrap import Hub
from hub.pact import auth, openapi
from hub.pact.errors import Code, PactError, bad_request
from hub.pact.filters import CURSOR, encode_cursor, parse
from hub.pact.links import public_origin
from hub.policy.access import Forbidden
from hub.queries.pact import pact_document, pact_page
from hub.queries.reader import Reader

log = logging.getLogger(__name__)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
JSON = "application/json"

Handler = Callable[[Request], Awaitable[Response]]


def _json(body: object, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), media_type=JSON, headers=headers)


def pact_endpoint(handler: Handler) -> Handler:
    """Every refusal as a PACT error body; anything unexpected logged and answered as InternalError."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except PactError as exc:
            return exc.response()
        except Forbidden as exc:
            return PactError(Code.ACCESS_DENIED, str(exc)).response()
        except Exception:  # the last resort: a PACT client gets its error body, the log gets the trace
            log.exception("PACT %s %s failed", request.method, request.url.path)
            return PactError(Code.INTERNAL_ERROR, "the hub could not answer this request").response()

    return endpoint


async def _reader(request: Request) -> Reader:
    hub: Hub = request.app.state.hub
    principal = await auth.principal(request)
    return Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, None, hub.clock)


async def list_footprints(request: Request) -> Response:
    """Action ListFootprints: the caller's footprints matching every criterion, a page at a time."""
    reader = await _reader(request)
    query = parse(request.query_params)
    found = await pact_page(reader, query.matches, query.limit, query.after)
    headers = {"Cache-Control": "no-store"}
    if found.next_after is not None:
        params = [*query.link_params(), (CURSOR, encode_cursor(found.next_after))]
        headers["Link"] = f'<{public_origin(request)}/3/footprints?{urlencode(params)}>; rel="next"'
    return _json({"data": found.documents}, headers)


async def get_footprint(request: Request) -> Response:
    """Action GetFootprint: one footprint by its PACT id; NotFound alike for one that does not exist and one
    the caller may not read, so the answer tells nothing about footprints the caller cannot see."""
    reader = await _reader(request)
    pact_id: str = request.path_params["id"]
    if not _UUID.match(pact_id):
        raise bad_request(f"id: not a UUID ({pact_id[:64]!r})")
    document = await pact_document(reader, pact_id)
    if document is None:
        raise PactError(Code.NOT_FOUND, f"Footprint with ID '{pact_id}' does not exist")
    return _json({"data": document}, {"Cache-Control": "no-store"})


routes = [
    Route("/auth/token", oauth.token, methods=["POST"]),
    Route("/.well-known/openid-configuration", auth.openid_configuration),
    Route("/3/footprints", pact_endpoint(list_footprints)),
    Route("/3/footprints/{id}", pact_endpoint(get_footprint)),
    Route("/openapi.json", openapi.document),
]

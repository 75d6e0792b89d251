"""`POST /3/events`: PACT v3 events in CloudEvents structured mode (application/cloudevents+json).

Bearer token as for GraphQL (hub/auth). The event is validated against mappings/pact/pact-v3-events.schema.json;
a refusal is the spec's error body `{code, message}` with its HTTP status (400 BadRequest, 401 for a missing
or bad token, TokenExpired for an expired one, 403 AccessDenied) and writes nothing. Accepted events answer
200 with an empty body:

- RequestCreatedEvent from a configured partner: answered by the hub (hub/pact/answer.py) through the outbox;
- RequestFulfilledEvent / RequestRejectedEvent: the answer to a request this hub sent that partner;
- PublishedEvent: recorded in the audit trail (the recipient pulls what it wants with `cfhub pact pull`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.auth.principal import Principal
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub
from hub.jsonld.datadir import MAPPINGS_DIR
from hub.pact.answer import answer
from hub.pact.criteria import instant
from hub.pact.outbox import EVENT_TYPES
from hub.pact.partners import partner_of
from hub.pact.requests import receive_answer, record_received
from hub.services import audit
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput

MEDIA_TYPE = "application/cloudevents+json"
# A RequestFulfilledEvent carries whole footprints (a few kB each, at most 1,000 by the schema).
MAX_EVENT_BYTES = 8 * 1024 * 1024


def error(status: int, code: str, message: str) -> Response:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((MAPPINGS_DIR / "pact" / "pact-v3-events.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def event_problems(event: Any) -> list[str]:
    """Why `event` is not a PACT v3 event this hub accepts, each naming the field (empty when it is one)."""
    found = [
        f"$.{'.'.join(str(p) for p in e.absolute_path)}: {e.message}".replace("$.:", "$:")
        for e in sorted(_validator().iter_errors(event), key=lambda e: list(e.absolute_path))
    ]
    if found or not isinstance(event, dict):
        return found or ["$: is not a JSON object"]
    for path, value in [("$.time", event["time"]), *_criteria_times(event)]:
        try:
            instant(value)
        except ValueError:
            found.append(f"{path}: {value!r} is not an RFC 3339 date-time")
    return found


def _criteria_times(event: dict[str, Any]) -> list[tuple[str, str]]:
    if event["type"] != EVENT_TYPES["created"]:
        return []
    return [(f"$.data.{k}", event["data"][k]) for k in ("validOn", "validAfter", "validBefore") if k in event["data"]]


async def _read(request: Request) -> bytes | None:
    """The body, or None when it is larger than MAX_EVENT_BYTES (read no further than that)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_EVENT_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _principal(hub: Hub, request: Request) -> Principal | Response:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(401, "BadRequest", "Invalid token provided: Authorization must be 'Bearer <token>'")
    try:
        principal = await hub.tokens.verify_active(token.strip())
    except InvalidToken as exc:
        code = "TokenExpired" if "expired" in str(exc) else "BadRequest"
        return error(401, code, f"Invalid token provided: {exc}")
    return principal


async def post_events(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    principal = await _principal(hub, request)
    if isinstance(principal, Response):
        return principal
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != MEDIA_TYPE:
        return error(400, "BadRequest", f"Content-Type must be {MEDIA_TYPE} (CloudEvents structured mode)")
    body = await _read(request)
    if body is None:
        return error(400, "BadRequest", f"the event is larger than {MAX_EVENT_BYTES} bytes")
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return error(400, "BadRequest", f"the body is not JSON: {exc}")
    problems = event_problems(event)
    if problems:
        return error(400, "BadRequest", "; ".join(problems[:10]))
    return await _dispatch(request, hub, principal, event)


async def _dispatch(request: Request, hub: Hub, principal: Principal, event: dict[str, Any]) -> Response:
    if event["type"] == EVENT_TYPES["published"]:
        async with unit_of_work(hub.sessions) as session:
            detail = {"event": event["id"], "source": event["source"][:255], "pfIds": event["data"]["pfIds"][:100]}
            await audit.record(session, principal.actor, "pact:published", "PactEvent", None, detail)
        return Response(status_code=200)
    async with hub.sessions() as session:
        partner = await partner_of(session, principal.org_iri)
    if partner is None:
        return error(403, "AccessDenied", "no PACT partner is configured for your organization on this hub")
    if event["type"] == EVENT_TYPES["created"]:
        found = await answer(hub, principal, event["data"])
        async with unit_of_work(hub.sessions) as session:
            await record_received(session, hub, await session.merge(partner), event, found)
        worker = getattr(request.app.state, "pact_outbox", None)
        if worker is not None:
            worker.kick()
        return Response(status_code=200)
    try:
        async with unit_of_work(hub.sessions) as session:
            await receive_answer(session, await session.merge(partner), event, principal.actor)
    except InvalidInput as refused:
        return error(400, "BadRequest", "; ".join(str(e) for e in refused.errors))
    return Response(status_code=200)


routes = [Route("/3/events", post_events, methods=["POST"])]

"""HTTP endpoints of authentication: the JWKS and the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.auth.throttle import Throttled
from hub.bootstrap import Hub

MAX_TOKEN_REQUEST = 4096


async def jwks(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    # Short caching: a rotated key signs at once, and a retired key should leave verifiers' caches soon.
    return JSONResponse(hub.tokens.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


def _error(status: int, error: str, description: str, basic: bool = False, retry_after: int | None = None) -> Response:
    headers = {"Cache-Control": "no-store"}
    if basic:
        headers["WWW-Authenticate"] = 'Basic realm="cfhub"'
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def _storable(text: str) -> bool:
    return "\x00" not in text and len(text) <= MAX_TOKEN_REQUEST


async def token(request: Request) -> Response:
    """RFC 6749 §4.4: client credentials in HTTP Basic (or the form), grant_type=client_credentials.

    Failed attempts are throttled per client id and per peer address (429 with Retry-After); the address
    is the TCP peer's, so behind a proxy every caller shares the proxy's (configure the proxy to limit too).
    """
    hub: Hub = request.app.state.hub
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return _error(400, "invalid_request", "send application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_TOKEN_REQUEST:
        return _error(400, "invalid_request", "request too large")
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    if form.get("grant_type") != "client_credentials":
        return _error(400, "unsupported_grant_type", "only client_credentials is supported")
    credentials = _basic(request.headers.get("authorization"))
    if credentials is None and "client_id" in form and "client_secret" in form:
        credentials = (form["client_id"], form["client_secret"])
    if credentials is None:
        return _error(401, "invalid_client", "client authentication is required", basic=True)
    if not all(_storable(part) for part in credentials):
        # a NUL cannot be in a stored client id (PostgreSQL refuses it in text), so it names no client
        return _error(401, "invalid_client", "unknown client or wrong secret", basic=True)
    address = request.client.host if request.client else "unknown"
    principal = await hub.clients.authenticate(*credentials, address=address)
    if isinstance(principal, Throttled):
        return _error(
            429,
            "temporarily_unavailable",
            f"too many failed attempts; retry after {principal.retry_after} seconds",
            retry_after=principal.retry_after,
        )
    if principal is None:
        return _error(401, "invalid_client", "unknown client or wrong secret", basic=True)
    access_token = hub.tokens.issue(principal)
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(hub.tokens.ttl.total_seconds()),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )

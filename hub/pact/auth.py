"""Who a PACT request comes from: the hub's own bearer tokens, obtained at `POST /auth/token` (the PACT path of
the hub's OAuth2 client-credentials endpoint, hub/auth/endpoints.py) and announced by OpenID discovery."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.auth.principal import Principal
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub
from hub.pact.errors import Code, PactError
from hub.pact.links import public_origin

_CHALLENGE = 'Bearer realm="cfhub", error="invalid_token"'


async def principal(request: Request) -> Principal:
    """The caller named by the request's bearer token; a PACT host serves no anonymous reader.

    Expired tokens are `TokenExpired` (401); anything else wrong with the token is `BadRequest` with 401, the
    code the PACT conformance cases expect for an invalid token, and the status RFC 6750 gives it.
    """
    hub: Hub = request.app.state.hub
    header = request.headers.get("authorization")
    if header is None:
        raise PactError(Code.BAD_REQUEST, "an access token is required (Authorization: Bearer ...)", 401, _www())
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PactError(Code.BAD_REQUEST, "Authorization must be 'Bearer <token>'", 401, _www())
    try:
        return await hub.tokens.verify_active(token.strip())
    except InvalidToken as exc:
        code = Code.TOKEN_EXPIRED if "expired" in str(exc) else Code.BAD_REQUEST
        raise PactError(code, f"Invalid token provided: {exc}", 401, _www()) from None


def _www() -> dict[str, str]:
    return {"WWW-Authenticate": _CHALLENGE}


async def openid_configuration(request: Request) -> Response:
    """OpenID Connect discovery (only what a client-credentials client needs): where to get a token and
    where the keys that verify it are. PACT clients look up `token_endpoint` here before /auth/token."""
    origin = public_origin(request)
    return JSONResponse(
        {
            "issuer": origin,
            "token_endpoint": f"{origin}/auth/token",
            "jwks_uri": f"{origin}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
            "scopes_supported": ["footprint:list", "footprint:read"],
        },
        headers={"Cache-Control": "public, max-age=60"},
    )

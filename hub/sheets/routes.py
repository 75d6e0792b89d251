"""REST routes of the bulk import (docs/sheets.md); `routes` is spliced into create_app.

GET  /sheets/template.xlsx  the caller's template (bearer token)
POST /sheets/import         the body is the .xlsx or .csv file; 200 {"created", "unchanged"} or 400/403/413/422
                            naming every problem (nothing written)
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.api.body import bounded_body
from hub.auth.principal import Principal
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub
from hub.policy.access import Forbidden
from hub.queries.reader import Reader
from hub.sheets.errors import FileRefused, SheetRefused
from hub.sheets.importer import MUTATION, codes_of, import_file
from hub.sheets.layout import layout
from hub.sheets.template import code_lists, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _principal(request: Request, hub: Hub) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authorization must be 'Bearer <token>'")
    return await hub.tokens.verify_active(token.strip())


def _unauthorized(exc: Exception) -> Response:
    headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc}"'}
    return JSONResponse({"error": str(exc)}, 401, headers=headers)


async def template(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    try:
        principal = await _principal(request, hub)
    except InvalidToken as exc:
        return _unauthorized(exc)
    reader = Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, None, hub.clock)
    try:
        (await reader.access()).mutation_check(MUTATION)
    except Forbidden as exc:
        return JSONResponse({"error": str(exc)}, 403)
    body = template_bytes(await code_lists(reader, codes_of(hub)))
    disposition = 'attachment; filename="cfhub-import-template.xlsx"'
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})


async def upload(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    try:
        principal = await _principal(request, hub)
    except InvalidToken as exc:
        return _unauthorized(exc)
    body = await bounded_body(request, layout().limits.max_bytes)
    if body is None:
        return JSONResponse({"error": f"the file is larger than {layout().limits.max_bytes} bytes"}, 413)
    try:
        result = await import_file(hub, principal, body)
    except Forbidden as exc:
        return JSONResponse({"error": str(exc)}, 403)
    except FileRefused as exc:
        return JSONResponse({"error": str(exc)}, 400)
    except SheetRefused as exc:
        return JSONResponse({"error": "nothing was imported", "errors": [e.as_json() for e in exc.errors]}, 422)
    return JSONResponse(result.as_json())


routes = [
    Route("/sheets/template.xlsx", template, methods=["GET"]),
    Route("/sheets/import", upload, methods=["POST"]),
]

"""HTTP routes of label credentials (spliced into `create_app` by one line):

GET  /l/{serial}/credential.json   the label's Verifiable Credential (404 unless the public may read the label)
GET  /status/labels/{purpose}      the Bitstring Status List credential (revocation or suspension)
POST /vc/verify                    a credential in the body -> the checks (proof, issuer, validity, status)

All three are public. /vc/verify reads at most MAX_BODY bytes and fetches nothing: it knows the hub's own DID
and status lists only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.api.json_body import loads
from hub.bootstrap import Hub
from hub.credentials import service
from hub.credentials.status_list import STATUS_OF_PURPOSE
from hub.validation import InvalidInput

VC_MEDIA_TYPE = "application/vc"  # VC Data Model 2.0, section 6.3
MAX_BODY = 64 * 1024  # a label credential is about 2 KB; RDF canonicalisation of a big graph costs much more


def _vc(document: object, cache: str) -> Response:
    return JSONResponse(document, media_type=VC_MEDIA_TYPE, headers={"Cache-Control": cache})


async def credential(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    serial = request.path_params["serial"]
    found = await service.label_credential(hub, serial)
    if found is None:
        return JSONResponse({"error": f"no published label with serial {serial!r}"}, status_code=404)
    return _vc(found, "public, max-age=3600")


async def status_list(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    purpose = request.path_params["purpose"]
    if purpose not in STATUS_OF_PURPOSE:
        known = ", ".join(STATUS_OF_PURPOSE)
        return JSONResponse({"error": f"no status list {purpose!r}; the lists are: {known}"}, status_code=404)
    return _vc(await service.list_credential(hub, purpose), "no-cache")  # a revocation shows at once


async def verify(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return JSONResponse({"error": f"the credential is larger than {MAX_BODY} bytes"}, status_code=413)
    try:
        document = loads(bytes(body))
    except InvalidInput as error:
        return JSONResponse({"errors": [{"path": p.path, "reason": p.reason} for p in error.errors]}, 400)
    report = await service.verify(hub, document)
    return JSONResponse(report.as_json())


routes = [
    Route("/l/{serial}/credential.json", credential, methods=["GET"]),
    Route("/status/labels/{purpose}", status_list, methods=["GET"]),
    Route("/vc/verify", verify, methods=["POST"]),
]

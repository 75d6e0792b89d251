"""Starlette routes serving the hub's JSON-LD contexts at stable URLs (the lead mounts `routes`).

GET /contexts/{name}.jsonld -> the context file, `application/ld+json`; 404 names the known contexts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from hub.jsonld.contexts import CONTEXT_FILES

MEDIA_TYPE = "application/ld+json"


async def context(request: Request) -> Response:
    name = request.path_params["name"]
    path = CONTEXT_FILES.get(name)
    if path is None or not path.exists():
        known = ", ".join(sorted(CONTEXT_FILES))
        return JSONResponse({"error": f"Context '{name}' is not served by this hub (known: {known})."}, 404)
    return FileResponse(path, media_type=MEDIA_TYPE, headers={"Cache-Control": "public, max-age=3600"})


routes = [Route("/contexts/{name}.jsonld", context, methods=["GET"], name="jsonld-context")]

"""A request's body read up to a limit: refused before reading where the size is declared, and while reading where
it is not, so an oversized upload is never held in memory whole. Used by every route that reads a body itself
(GraphQL, its multipart uploads, the sheet import)."""

from __future__ import annotations

from starlette.requests import Request


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it is larger than `limit` (checked before reading where the size is declared)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)

"""A PACT events receiver for the outbox tests: a real HTTP server (uvicorn on loopback) with a token endpoint
and `/3/events`, counting every event it accepts by id, and refusing calls without its token."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.api.live import LiveServer, free_port

TOKEN = "receiver-token"


@dataclass
class Received:
    by_id: Counter[str] = field(default_factory=Counter)
    types: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def total(self) -> int:
        with self.lock:
            return sum(self.by_id.values())


def receiver_app(received: Received) -> Starlette:
    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})

    async def events(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"code": "BadRequest", "message": "Invalid token provided"}, status_code=401)
        event = orjson.loads(await request.body())
        with received.lock:
            received.by_id[event["id"]] += 1
            received.types.append(event["type"])
        return Response(status_code=200)

    return Starlette(
        routes=[Route("/auth/token", token, methods=["POST"]), Route("/3/events", events, methods=["POST"])]
    )


@contextlib.contextmanager
def receiving(port: int | None = None) -> Iterator[tuple[str, Received]]:
    received = Received()
    server = LiveServer(receiver_app(received))
    if port is not None:
        server.port, server.url = port, f"http://127.0.0.1:{port}"
        server.server.config.port = port
    with server:
        yield server.url, received


def unused_url() -> tuple[int, str]:
    port = free_port()
    return port, f"http://127.0.0.1:{port}"

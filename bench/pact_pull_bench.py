"""Benchmark: pull 10,000 footprints from a PACT host (python -m bench.pact_pull_bench [N]).

The host is a Starlette app on loopback (uvicorn in a thread) that serves N PACT v3 ProductFootprints made
from the PACT import cases (mappings/pact/cases/import: distinct ids, 200 companies, 1,000 products), 100 a
page with `Link: rel="next"`, behind the client-credentials grant. Two ways, 3 runs each, in the same run:

1. baseline: list every page with the same PACT client (token, pages, JSON), storing nothing;
2. `pull`: the same pages, each record validated against the PACT v3 schema, mapped into ZJ and stored as a
   supplier footprint with its provenance (a fresh SQLite database per run).

Records per second, median and spread of the 3 runs, into docs/BENCHMARKS.md. Not run in pytest.
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.report import write_section
from hub.bootstrap import open_hub
from hub.config import Settings
from hub.db import migrate
from hub.domain.codes import SourceKind
from hub.jsonld.datadir import MAPPINGS_DIR
from hub.pact.client import PactClient
from hub.pact.pull import pull
from hub.services.categories import load_key_products
from hub.services.origin import Origin
from hub.services.uow import unit_of_work

N = 10_000
RUNS = 3
PAGE = 100
TOKEN = "bench-token"


def make_footprints(n: int) -> list[dict[str, Any]]:
    cases = [
        json.loads(p.read_text()) for p in sorted((MAPPINGS_DIR / "pact" / "cases" / "import").glob("*.input.json"))
    ]
    out = []
    for i in range(n):
        pf = copy.deepcopy(cases[i % len(cases)])
        pf["id"] = str(uuid.UUID(int=i + 1))
        pf["companyIds"] = [f"urn:cfhub:org:bench-company-{i % 200}"]
        pf["productIds"] = [f"urn:cfhub:product:bench-product-{i % 1000}-{i % len(cases)}"]
        ext = pf["extensions"][0]["data"]
        ext["sourceIri"] = f"https://host.example/id/footprint/{pf['id']}"
        ext.pop("verifierIri", None)
        out.append(pf)
    return out


def host_app(footprints: list[dict[str, Any]]) -> Starlette:
    pages = [orjson.dumps({"data": footprints[i : i + PAGE]}) for i in range(0, len(footprints), PAGE)]

    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})

    async def listing(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"code": "BadRequest", "message": "Invalid token provided"}, status_code=401)
        n = int(request.query_params.get("page", "0"))
        headers = {"Content-Type": "application/json"}
        if n + 1 < len(pages):
            headers["Link"] = f'<{request.url.replace_query_params(page=n + 1)}>; rel="next"'
        return Response(pages[n], headers=headers)

    return Starlette(routes=[Route("/auth/token", token, methods=["POST"]), Route("/3/footprints", listing)])


def serve(app: Starlette) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


async def list_only(url: str) -> int:
    async with httpx.AsyncClient(timeout=60) as http:
        client = PactClient(url, f"{url}/auth/token", "bench", "secret", http)
        return sum([len(page) async for page in client.footprint_pages(PAGE)])


async def pull_all(url: str, workdir: Path, run: int) -> int:
    db = f"sqlite:///{workdir / f'recipient-{run}.db'}"
    migrate.upgrade(db)
    hub = open_hub(Settings(database_url=db, key_dir=workdir / "keys"))
    try:
        async with unit_of_work(hub.sessions) as session:
            await load_key_products(session, Origin(actor="bench", source=SourceKind.SYSTEM), hub.settings.base_iri)
        async with httpx.AsyncClient(timeout=60) as http:
            client = PactClient(url, f"{url}/auth/token", "bench", "secret", http)
            report = await pull(hub, client, "https://bench.example/org/recipient", PAGE)
        assert report.error is None and report.counts == {"stored": N_RUN[0]}, report.as_dict()
        return sum(report.counts.values())
    finally:
        await hub.close()


N_RUN = [N]


def timed(fn: Any) -> tuple[float, int]:
    start = time.perf_counter()
    count = fn()
    return time.perf_counter() - start, count


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else N
    N_RUN[0] = n
    server, url = serve(host_app(make_footprints(n)))
    results: dict[str, list[float]] = {"list only (baseline)": [], "pull: validate, map, store": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(RUNS):  # interleaved, so that a noisy neighbour hits both ways alike
            seconds, count = timed(lambda: asyncio.run(list_only(url)))
            assert count == n
            results["list only (baseline)"].append(n / seconds)
            seconds, count = timed(lambda run=run: asyncio.run(pull_all(url, Path(tmp), run)))
            results["pull: validate, map, store"].append(n / seconds)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in results.items()), flush=True)
    server.should_exit = True
    base = statistics.median(results["list only (baseline)"])
    rows = [
        f"| {name} | {statistics.median(rates):,.0f} | {min(rates):,.0f} – {max(rates):,.0f} | "
        f"{base / statistics.median(rates):.1f}x |"
        for name, rates in results.items()
    ]
    write_section(
        "pact-pull",
        f"## PACT data recipient: pulling {n:,} footprints from a PACT host (`python -m bench.pact_pull_bench`)\n\n"
        "| way | records/s (median of 3) | spread (min – max) | time vs baseline |\n|---|---:|---:|---:|\n"
        + "\n".join(rows)
        + '\n\n- The host serves 100 footprints a page (`Link: rel="next"`) from memory on loopback; the '
        "recipient is a fresh SQLite database per run (WAL), one transaction per page.\n"
        "- `pull` validates each record against mappings/pact/pact-v3.schema.json, maps it with the PACT -> ZJ "
        "mapping, validates the ZJ footprint input, finds or creates its owner and product among the host's "
        "records, and stores it with its provenance row (hub/pact/supplier.py).\n",
    )


if __name__ == "__main__":
    main()

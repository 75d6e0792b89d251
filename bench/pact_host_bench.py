"""The PACT host against a bare JSON route: `GET /3/footprints?limit=100` to concurrent clients over loopback.

    python -m bench.pact_host_bench [--seconds 5] [--clients 8] [--runs 3]

Builds the GraphQL benchmark's database (the demo data plus 100 published footprints), serves it with uvicorn
in a subprocess twice per run: the hub's PACT host as the international body (its token checked, the policy
applied, each footprint mapped to PACT by the mapping engine and checked for the fields PACT requires), and a
bare Starlette route that reads the same 100 footprints' rows with one SELECT and writes them as JSON.
Loads each for a fixed time; three runs; writes the median and spread of p50 and requests per second and
their ratio to docs/BENCHMARKS.md (section "pact-host").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.graphql_bench import _fill, _free_port, _load

LIMIT = 100


def baseline_app(url: str) -> Any:
    """The first 100 published footprints, read with one plain SELECT and written as JSON (no policy, no mapping)."""
    import orjson
    from sqlalchemy import select
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hub.db import models as m
    from hub.db.engine import make_async_engine

    engine = make_async_engine(url)
    columns = [c for c in m.Footprint.__table__.columns if c.name not in {"id", "product_id", "verifier_id"}]

    async def footprints(request: Request) -> Response:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(*columns, m.Product.name, m.Product.gtin, m.Organization.name_en)
                    .join(m.Product, m.Product.id == m.Footprint.product_id)
                    .join(m.Organization, m.Organization.id == m.Product.owner_id)
                    .where(m.Footprint.status == "published")
                    .order_by(m.Footprint.id)
                    .limit(LIMIT)
                )
            ).all()
        data = [dict(r._mapping) for r in rows]
        return Response(orjson.dumps({"data": data}, default=str), media_type="application/json")

    return Starlette(routes=[Route("/3/footprints", footprints)])


def serve(kind: str, url: str, key_dir: str, port: int) -> None:
    import uvicorn

    from hub.app import create_app, tune_gc
    from hub.config import Settings

    app = create_app(Settings(database_url=url, key_dir=Path(key_dir))) if kind == "pact" else baseline_app(url)
    tune_gc()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _start(kind: str, url: str, key_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.pact_host_bench", "serve", kind, url, str(key_dir), str(port)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc, port
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the {kind} server did not start")


def _measure(kind: str, url: str, key_dir: Path, headers: dict[str, str], seconds: float, clients: int) -> Any:
    import httpx

    proc, port = _start(kind, url, key_dir)
    try:
        target = f"http://127.0.0.1:{port}/3/footprints?limit={LIMIT}"
        served = len(httpx.get(target, headers=headers, timeout=60).json()["data"])
        assert served == LIMIT, f"{kind} served {served} footprints, not {LIMIT}"
        return asyncio.run(_load(target, "GET", None, headers, seconds, clients))
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def run(seconds: float, clients: int, runs: int) -> str:
    from hub.auth.principal import Principal, Role
    from hub.bootstrap import token_service
    from hub.config import Settings

    work = Path(tempfile.mkdtemp(prefix="cfhub-bench-pact-"))
    url, key_dir = f"sqlite:///{work / 'bench.db'}", work / "keys"
    asyncio.run(_fill(url, key_dir))
    settings = Settings(database_url=url, key_dir=key_dir)
    principal = Principal(Role.INTERNATIONAL_BODY, f"{settings.base_iri}org/intl-body", "INTL")
    headers = {"Authorization": f"Bearer {token_service(settings).issue(principal)}"}
    results: dict[str, list[dict[str, float]]] = {"pact": [], "baseline": []}
    for _ in range(runs):
        for kind in ("pact", "baseline"):
            results[kind].append(_measure(kind, url, key_dir, headers, seconds, clients))
    p, b = results["pact"], results["baseline"]
    ratios = [x["p50"] / y["p50"] for x, y in zip(p, b, strict=True)]
    return (
        "## PACT host: ListFootprints, 100 footprints\n\n"
        f"`GET /3/footprints?limit={LIMIT}` as the international body (token, policy, mapping to PACT v3, "
        "completeness against the PACT schema's required fields, "
        f"orjson), to {clients} concurrent clients over loopback for {seconds:g} s, "
        f"{runs} runs; uvicorn, one worker, SQLite. Baseline in the same runs: a bare Starlette route "
        "reading the same 100 published footprints' rows with one SELECT and writing them with orjson "
        "(no policy, no mapping). Median of the runs, spread (min-max) in brackets.\n\n"
        "| server | p50 ms | requests/s |\n|---|---:|---:|\n"
        + _row("PACT host (/3/footprints)", p)
        + _row("baseline (plain JSON)", b)
        + f"| **ratio PACT / baseline (p50)** | **{statistics.median(ratios):.2f}x** "
        f"[{min(ratios):.2f}-{max(ratios):.2f}] | |\n"
    )


def _row(name: str, rs: list[dict[str, float]]) -> str:
    def cell(key: str) -> str:
        values = [r[key] for r in rs]
        return f"{statistics.median(values):.1f} [{min(values):.1f}-{max(values):.1f}]"

    return f"| {name} | {cell('p50')} | {cell('rps')} |\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        serve(*argv[1:4], int(argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("CFHUB_BENCH_SECONDS", 5)))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing the report")
    args = parser.parse_args(argv)
    markdown = run(args.seconds, args.clients, args.runs)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('pact-host', markdown)}")


if __name__ == "__main__":
    main()

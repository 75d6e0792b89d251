"""A federated query over three hubs against the same query on one hub.

    python -m bench.bench_federated [--requests 30] [--runs 3]

Builds three hubs (ZJ, YRD, GBA: each a SQLite copy of the demo data under its own base IRI, with sharing
agreements and peers as in tests/federation/hubs.py), serves each with uvicorn on loopback, gives ZJ client
credentials at the other two, and asks ZJ's /graphql as its regulator, one request at a time:
`federatedFootprints(first: 20)` over all three regions, and the same query with `regions: ["ZJ"]` (the
baseline: the same page from one hub). Each run alternates the two; the per-request median of each run, and
the ratio, go to docs/BENCHMARKS.md (section "federated"): median over the runs and the spread (min-max).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

QUERY = """query($regions: [String!]) { federatedFootprints(regions: $regions, first: 20) {
  edges { node { record provenance { region recordIri } } } peers { region status durationMs } } }"""


@dataclass
class _Hub:
    """What Federation and `connect` read of a hub: its settings (and here, its URL)."""

    settings: Any
    url: str

    def env(self) -> dict[str, str]:
        s = self.settings
        return {
            "CFHUB_DATABASE_URL": s.database_url,
            "CFHUB_BASE_IRI": s.base_iri,
            "CFHUB_REGION": s.region.value,
            "CFHUB_PUBLIC_BASE_URL": s.public_base_url,
            "CFHUB_KEY_DIR": str(s.key_dir),
        }


class _Served:
    """A hub served by `cfhub serve` in its own process (as hubs run: three processes, not three threads)."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        port = url.rsplit(":", 1)[1]
        args = [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", port]
        self.process = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"the hub at {url} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def _three_hubs(work: Path) -> tuple[Any, list[_Served]]:
    from hub.config import Settings
    from hub.domain.codes import Region
    from tests.api.live import free_port
    from tests.federation.hubs import REGIONS, SHARED_FIELDS, Federation, _befriend, _fill, base_iri
    from tests.federation.peering import connect

    urls = {r: f"http://127.0.0.1:{free_port()}" for r in REGIONS}
    running: dict[str, Any] = {}
    servers: list[_Served] = []
    try:
        for region in REGIONS:
            url = f"sqlite:///{work / region.lower()}.db"
            _fill(region)(url)
            settings = Settings(
                database_url=url,
                base_iri=base_iri(region),
                region=Region(region),
                public_base_url=urls[region],
                key_dir=work / region / "keys",
            )
            asyncio.run(_befriend(settings, urls, SHARED_FIELDS))
            running[region] = _Hub(settings, urls[region])
        fed = Federation(running, work)
        connect(fed, "ZJ", ("YRD", "GBA"))
        for region in REGIONS:
            servers.append(_Served(urls[region], running[region].env()))
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return fed, servers


def _regulator_token(fed: Any) -> str:
    from hub.auth.principal import Principal, Role
    from hub.bootstrap import open_hub

    settings = fed["ZJ"].settings
    hub = open_hub(settings)
    try:
        return str(hub.tokens.issue(Principal(Role.REGULATOR, f"{settings.base_iri}org/zj-regulator", "ZJ")))
    finally:
        asyncio.run(hub.close())


def _median_ms(client: httpx.Client, url: str, bearer: str, regions: list[str] | None, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        body = client.post(
            url, json={"query": QUERY, "variables": {"regions": regions}}, headers={"authorization": f"Bearer {bearer}"}
        ).json()
        times.append((time.perf_counter() - started) * 1000)
        peers = body["data"]["federatedFootprints"]["peers"]
        assert all(p["status"] == "answered" for p in peers), peers
    return statistics.median(times)


def measure(requests: int, runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="cfhub-bench-federated-") as tmp:
        fed, servers = _three_hubs(Path(tmp))
        try:
            bearer, url = _regulator_token(fed), f"{fed['ZJ'].url}/graphql"
            out: dict[str, list[float]] = {"one": [], "three": []}
            with httpx.Client(timeout=60) as client:
                _median_ms(client, url, bearer, None, 3)  # warm up: connections, caches, first tokens
                for _ in range(runs):
                    out["one"].append(_median_ms(client, url, bearer, ["ZJ"], requests))
                    out["three"].append(_median_ms(client, url, bearer, None, requests))
            return out
        finally:
            for server in servers:
                server.stop()


def report(figures: dict[str, list[float]], requests: int) -> str:
    ratios = [t / o for t, o in zip(figures["three"], figures["one"], strict=True)]

    def cell(values: list[float], unit: str) -> str:
        return f"{statistics.median(values):.1f} {unit} ({min(values):.1f}-{max(values):.1f})"

    return "\n".join(
        [
            "## Federated query over three hubs (`bench/bench_federated.py`)",
            "",
            "ZJ's `federatedFootprints(first: 20)` as its regulator, asking YRD and GBA over HTTP on loopback",
            "(each as its platform client, each hub a SQLite copy of the demo data), against the same query",
            f'with `regions: ["ZJ"]`: the same page from one hub. {requests} requests per run, one at a time;',
            f"median of the per-run medians, spread (min-max) over {len(ratios)} runs. Aim: at most 1.5x.",
            "",
            "| query | per request | ratio |",
            "|---|---|---|",
            f"| one hub (ZJ only) | {cell(figures['one'], 'ms')} | 1 |",
            f"| three hubs (ZJ, YRD, GBA) | {cell(figures['three'], 'ms')} | {cell(ratios, 'x')} |",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the section without writing the report")
    args = parser.parse_args(argv)
    figures = measure(args.requests, args.runs)
    markdown = report(figures, args.requests)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('federated', markdown)}")


if __name__ == "__main__":
    main()

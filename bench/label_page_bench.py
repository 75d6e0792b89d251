"""The public label page against a static file of the same size, to 32 concurrent clients over loopback.

    python -m bench.label_page_bench [--seconds 5] [--clients 32] [--runs 3]

Builds the demo database, then per run starts uvicorn (one worker, SQLite) in a subprocess serving the hub with
a Starlette `StaticFiles` mount beside it, and loads in turn `GET /l/{serial}` (an issued label, in English) and
`GET /static/page.html` (a copy of that page: the same bytes, read from disk by Starlette). Twice per run: the
hub as it is (the rendered page kept on the Hub until anything it shows changes, hub/public/kept.py, and the
credential's verification report, hub/credentials/cache.py) and the same hub with both caches disabled (every
view reads the label, verifies the credential and its two status lists and renders, as before),
so the gain is measured in the same run. Writes the median and spread of p50 and requests per second and the
page / static p50 ratio to docs/BENCHMARKS.md (section "label-page"). Not run in pytest.
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

from bench.graphql_bench import _free_port, _load

KINDS = ("cached", "uncached")


async def _demo(url: str, key_dir: Path) -> str:
    """The demo database; returns the serial of its first issued label."""
    from sqlalchemy import select

    from hub.bootstrap import open_hub
    from hub.config import Settings
    from hub.db import migrate
    from hub.db.models import Label
    from hub.demo.loader import load_demo
    from hub.domain.codes import LabelStatus
    from hub.services.uow import unit_of_work

    await asyncio.to_thread(migrate.upgrade, url)
    hub = open_hub(Settings(database_url=url, key_dir=key_dir))
    try:
        await load_demo(hub)
        async with unit_of_work(hub.sessions) as session:
            serial = await session.scalar(
                select(Label.serial).where(Label.status == LabelStatus.ISSUED).order_by(Label.id).limit(1)
            )
        assert serial is not None
        return str(serial)
    finally:
        await hub.close()


def serve(kind: str, url: str, key_dir: str, port: int, static_dir: str) -> None:
    """The hub with /static beside it; `uncached` keeps no verification report (every view verifies)."""
    import uvicorn
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from hub.app import create_app, tune_gc
    from hub.config import Settings

    app = create_app(Settings(database_url=url, key_dir=Path(key_dir)))
    if kind == "uncached":
        app.state.hub.verifications.size = 0
        app.state.hub.pages.size = 0
    app.router.routes.insert(0, Mount("/static", StaticFiles(directory=static_dir)))
    tune_gc()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _start(kind: str, url: str, key_dir: Path, static_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.label_page_bench", "serve", kind, url, str(key_dir), str(port), str(static_dir)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/page.html", timeout=1).raise_for_status()
            return proc, port
        except (httpx.TransportError, httpx.HTTPStatusError):
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the {kind} server did not start")


def _measure(
    kind: str, url: str, key_dir: Path, static_dir: Path, serial: str, seconds: float, clients: int
) -> tuple[dict[str, float], dict[str, float]]:
    import httpx

    proc, port = _start(kind, url, key_dir, static_dir)
    headers = {"accept-language": "en"}
    try:
        page = f"http://127.0.0.1:{port}/l/{serial}"
        shown = httpx.get(page, headers=headers, timeout=60).text
        assert "The credential verifies" in shown, f"the {kind} page does not show a verified credential"
        static = f"http://127.0.0.1:{port}/static/page.html"
        return (
            asyncio.run(_load(page, "GET", None, headers, seconds, clients)),
            asyncio.run(_load(static, "GET", None, headers, seconds, clients)),
        )
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _static_copy(url: str, key_dir: Path, serial: str, static_dir: Path) -> int:
    """Write the page as served (one server start) to static_dir/page.html; returns its size in bytes."""
    import httpx

    static_dir.mkdir(exist_ok=True)
    (static_dir / "page.html").write_bytes(b"starting")
    proc, port = _start("cached", url, key_dir, static_dir)
    try:
        body = httpx.get(f"http://127.0.0.1:{port}/l/{serial}", headers={"accept-language": "en"}, timeout=60).content
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    (static_dir / "page.html").write_bytes(body)
    return len(body)


def run(seconds: float, clients: int, runs: int) -> str:
    work = Path(tempfile.mkdtemp(prefix="cfhub-bench-label-page-"))
    url, key_dir, static_dir = f"sqlite:///{work / 'bench.db'}", work / "keys", work / "static"
    serial = asyncio.run(_demo(url, key_dir))
    size = _static_copy(url, key_dir, serial, static_dir)
    results: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {kind: [] for kind in KINDS}
    for _ in range(runs):
        for kind in KINDS:
            results[kind].append(_measure(kind, url, key_dir, static_dir, serial, seconds, clients))
    rows, ratios = [], {}
    for kind in KINDS:
        pages, statics = [r[0] for r in results[kind]], [r[1] for r in results[kind]]
        ratios[kind] = [p["p50"] / s["p50"] for p, s in results[kind]]
        kept = "page and report kept (now)" if kind == "cached" else "nothing kept (before)"
        rows.append(_row(f"label page, {kept}", pages))
        rows.append(_row(f"static file, same server ({kind} run)", statics))
    return (
        "## Public label page\n\n"
        f"`GET /l/{{serial}}` (an issued demo label, English, {size:,} bytes) against `GET /static/page.html` "
        "(the same bytes served by Starlette's `StaticFiles` from the same uvicorn process), "
        f"{clients} concurrent clients (httpx) over loopback for {seconds:g} s each, {runs} runs; one worker, "
        "SQLite. The hub as it is keeps the rendered page on the Hub under what it was made from (one small "
        "query a view: hub/public/kept.py) and its credential's verification report (hub/credentials/cache.py); "
        "the 'before' server disables both, so every view reads the label (8 statements), verifies the "
        "credential and both status lists (RDFC-1.0 and Ed25519) and renders the template. "
        "Median of the runs, spread (min-max) in brackets.\n\n"
        "| server | p50 ms | requests/s |\n|---|---:|---:|\n"
        + "".join(rows)
        + _ratio("**page / static file (p50), page and report kept (now)**", ratios["cached"])
        + _ratio("page / static file (p50), nothing kept (before)", ratios["uncached"])
        + "\nAim: at most 3x the static file's p50.\n"
    )


def _row(name: str, rs: list[dict[str, float]]) -> str:
    def cell(key: str) -> str:
        values = [r[key] for r in rs]
        return f"{statistics.median(values):.1f} [{min(values):.1f}-{max(values):.1f}]"

    return f"| {name} | {cell('p50')} | {cell('rps')} |\n"


def _ratio(name: str, values: list[float]) -> str:
    return f"| {name} | {statistics.median(values):.2f}x [{min(values):.2f}-{max(values):.2f}] | |\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        serve(argv[1], argv[2], argv[3], int(argv[4]), argv[5])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("CFHUB_BENCH_SECONDS", 5)))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing the report")
    args = parser.parse_args(argv)
    markdown = run(args.seconds, args.clients, args.runs)
    print(markdown)
    if not args.no_write:
        from bench.report import write_section

        print(f"written to {write_section('label-page', markdown)}")


if __name__ == "__main__":
    main()

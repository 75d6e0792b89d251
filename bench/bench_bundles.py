"""Dataset bundles at scale: signing and verifying a 100,000-record bundle, and importing it.

    python -m bench.bench_bundles [--records 100000] [--runs 3] [--postgres URL]

1. Sign (eddsa-jcs-2022: RFC 8785 canonical JSON, SHA-256, Ed25519) and verify a bundle of N records in the
   YRD vocabulary, in records per second, against the baseline of serialising the same document with orjson
   and hashing the bytes with SHA-256 (what the old "hash over sorted compact JSON" amounted to).
2. Import the bundle into an empty YRD hub (verify the proof against the sender's DID document, check the
   envelope and every record against its schema, map each back into the ZJ vocabulary, upsert by IRI), against
   the baseline of a plain bulk INSERT of the very rows the import wrote, into another empty database; on
   SQLite and, when --postgres names a server where databases may be created, on PostgreSQL.

Each figure is the median of `--runs` runs with its spread (min-max); the section "bundles" of
docs/BENCHMARKS.md is rewritten.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.report import write_section

SENDER_URL = "https://zj.bench.example"
RECEIVER_URL = "https://yrd.bench.example"
EXAMPLE = Path(__file__).resolve().parent.parent / "schema" / "examples" / "dataset-bundle" / "yrd-demo.json"


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


# -- the bundle -----------------------------------------------------------------------------------------


def _identity(key_dir: Path) -> Any:
    from hub.auth.keys import KeyRing
    from hub.integrity.identity import IDENTITY_FOLDER, HubIdentity, did_web

    return HubIdentity(KeyRing(key_dir, IDENTITY_FOLDER), did_web(SENDER_URL))


def unsigned_bundle(n: int, sender_did: str, receiver_did: str) -> dict[str, Any]:
    """N records in the YRD vocabulary, made from the two of the example bundle with their own IRIs and totals."""
    from hub.federation import odrl

    templates = list(orjson.loads(EXAMPLE.read_bytes())["records"])
    bundle_iri = f"https://zj.bench.example/id/bundle/{uuid.uuid4()}"
    uid = f"{bundle_iri}#policy-Footprint"
    terms = odrl.UsageTerms(("regulator",), False, date(2030, 1, 1))
    records = []
    for i in range(n):
        entry = copy.deepcopy(templates[i % len(templates)])
        iri = f"https://zj.bench.example/id/footprint/{i:08d}"
        entry["@id"] = entry["data"]["tzjBianhao"] = entry["provenance"]["record"] = iri
        entry["provenance"].update(source_hub=sender_did)
        entry["policy"] = uid
        entry["data"]["tanZujiTco2e"] = round(0.05 + (i % 1000) / 10_000, 6)
        records.append(entry)
    return {
        "@context": ["https://w3id.org/cfhub/contexts/bundle.jsonld"],
        "@id": bundle_iri,
        "@type": "DatasetBundle",
        "source_hub": sender_did,
        "source_region": "ZJ",
        "audience": receiver_did,
        "region": "YRD",
        "created_at": "2026-11-27T12:00:00Z",
        "vocabulary": "yrd",
        "agreement": "https://zj.bench.example/id/sharing-agreement/bench",
        "policies": [odrl.policy(uid, sender_did, receiver_did, "Footprint", terms)],
        "record_count": n,
        "records": records,
    }


def bench_signing(n: int, runs: int, key_dir: Path) -> dict[str, list[float]]:
    from hub.integrity.identity import key_resolver
    from hub.integrity.proofs import verify_proof

    identity = _identity(key_dir)
    bundle = unsigned_bundle(n, identity.did, "did:web:yrd.bench.example")
    resolve = key_resolver(identity.did_document())
    out: dict[str, list[float]] = {"sign": [], "verify": [], "hash": []}
    for _ in range(runs):
        start = time.perf_counter()
        signed = identity.sign(bundle, datetime.now(UTC))
        out["sign"].append(n / (time.perf_counter() - start))
        start = time.perf_counter()
        assert verify_proof(signed, resolve).verified
        out["verify"].append(n / (time.perf_counter() - start))
        start = time.perf_counter()
        hashlib.sha256(orjson.dumps(bundle, option=orjson.OPT_SORT_KEYS)).hexdigest()
        out["hash"].append(n / (time.perf_counter() - start))
    return out


# -- importing ------------------------------------------------------------------------------------------


class Databases:
    """Fresh empty databases: SQLite files, or databases on a PostgreSQL server (dropped at the end)."""

    def __init__(self, workdir: Path, postgres: str | None) -> None:
        self.workdir, self.postgres, self.made = workdir, postgres, []

    def fresh(self) -> str:
        from hub.db import migrate

        name = f"bench_bundles_{uuid.uuid4().hex[:10]}"
        if self.postgres is None:
            url = f"sqlite:///{self.workdir / (name + '.db')}"
        else:
            self._admin(f'CREATE DATABASE "{name}"')
            self.made.append(name)
            from sqlalchemy.engine import make_url

            url = make_url(self.postgres).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        return url

    def _admin(self, statement: str) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        engine = create_engine(
            make_url(self.postgres or "").set(drivername="postgresql+psycopg"),
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
        )
        with engine.connect() as conn:
            conn.execute(text(statement))
        engine.dispose()

    def drop(self) -> None:
        for name in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _receiver(url: str, key_dir: Path) -> Any:
    from hub.bootstrap import open_hub
    from hub.config import Settings
    from hub.domain.codes import Region
    from hub.federation.peers import PeerInput, add_peer
    from hub.services.uow import unit_of_work

    settings = Settings(
        database_url=url,
        base_iri="https://yrd.bench.example/id/",
        region=Region.YRD,
        public_base_url=RECEIVER_URL,
        key_dir=key_dir,
    )
    hub = open_hub(settings)
    async with unit_of_work(hub.sessions) as session:
        await add_peer(session, PeerInput("ZJ", SENDER_URL), Region.YRD, "bench")
    return hub


def _did_transport(document: dict[str, Any]) -> httpx.MockTransport:
    """The sender's /.well-known/did.json, served in-process: the bench measures the import, not a network."""
    body = orjson.dumps(document)
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


async def _import_once(bundle: dict[str, Any], did_document: dict[str, Any], url: str, key_dir: Path) -> float:
    from hub.federation.importer import import_bundle
    from hub.services.published import effective_catalog

    hub = await _receiver(url, key_dir)
    try:
        async with hub.sessions() as session:
            await effective_catalog(session)  # compiled once per hub, as in a running server: not timed
        async with httpx.AsyncClient(transport=_did_transport(did_document)) as http:
            start = time.perf_counter()
            report = await import_bundle(hub, bundle, http)
            elapsed = time.perf_counter() - start
        assert report.inserted == bundle["record_count"], report
    finally:
        await hub.close()
    return elapsed


async def _rows(url: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from hub.db.engine import make_async_engine
    from hub.db.models import ImportedRecord

    engine = make_async_engine(url)
    async with engine.connect() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(select(ImportedRecord.__table__))]
    await engine.dispose()
    for row in rows:
        row.pop("id")
    return rows


async def _bulk_insert_once(rows: list[dict[str, Any]], url: str) -> float:
    from sqlalchemy import insert

    from hub.db.engine import make_async_engine
    from hub.db.models import ImportedRecord

    engine = make_async_engine(url)
    try:
        start = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(insert(ImportedRecord.__table__), rows)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def bench_import(n: int, runs: int, workdir: Path, postgres: str | None) -> dict[str, list[float]]:
    identity = _identity(workdir / "sender-keys")
    from hub.integrity.identity import did_web

    bundle = identity.sign(unsigned_bundle(n, identity.did, did_web(RECEIVER_URL)), datetime.now(UTC))
    bundle = orjson.loads(orjson.dumps(bundle))  # as a file would give it
    did_document = identity.did_document()
    databases = Databases(workdir, postgres)
    out: dict[str, list[float]] = {"import": [], "insert": []}
    try:
        for run in range(runs):
            url = databases.fresh()
            out["import"].append(asyncio.run(_import_once(bundle, did_document, url, workdir / f"keys-{run}")))
            rows = asyncio.run(_rows(url))
            out["insert"].append(asyncio.run(_bulk_insert_once(rows, databases.fresh())))
    finally:
        databases.drop()
    return out


def _table(n: int, signing: dict[str, list[float]], imports: dict[str, dict[str, list[float]]]) -> str:
    def ratio(a: list[float], b: list[float]) -> str:
        return f"{statistics.median(a) / statistics.median(b):.1f}x"

    lines = [
        "## Dataset bundles (issue 11)",
        "",
        f"`python -m bench.bench_bundles --records {n}`: a bundle of {n:,} footprint records in the YRD vocabulary",
        "(made from the two records of `schema/examples/dataset-bundle/yrd-demo.json`). Median of the runs, spread",
        "in brackets.",
        "",
        "| step | records per second | against hashing the same document |",
        "|---|---|---|",
        f"| sign (eddsa-jcs-2022) | {_median(signing['sign'])} | {ratio(signing['hash'], signing['sign'])} slower |",
        f"| verify | {_median(signing['verify'])} | {ratio(signing['hash'], signing['verify'])} slower |",
        f"| baseline: orjson (sorted keys) + SHA-256 | {_median(signing['hash'])} | 1x |",
        "",
        "| database | import (verify, check, map, upsert) | plain bulk INSERT of the same rows | ratio (aim <= 3x) |",
        "|---|---|---|---|",
    ]
    for name, figures in imports.items():
        lines.append(
            f"| {name} | {_seconds(figures['import'])} | {_seconds(figures['insert'])} | "
            f"{ratio(figures['import'], figures['insert'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="A PostgreSQL server URL where databases may be created.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        signing = bench_signing(args.records, args.runs, workdir / "keys")
        _say(f"signing: {signing}")
        imports = {"SQLite": bench_import(args.records, args.runs, workdir, None)}
        _say(f"SQLite: {imports['SQLite']}")
        if args.postgres:
            imports["PostgreSQL"] = bench_import(args.records, args.runs, workdir, args.postgres)
            _say(f"PostgreSQL: {imports['PostgreSQL']}")
    write_section("bundles", _table(args.records, signing, imports))


def _say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    main()

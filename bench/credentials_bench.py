"""Benchmark: issue and verify 10,000 label credentials (python -m bench.credentials_bench [--n N] [--runs R]).

Issue: build a label's Verifiable Credential 2.0 (hub/credentials/vc.py) and sign it as the hub does
(HubIdentity.sign, eddsa-rdfc-2022). Verify: the hub verifier's every check (hub/credentials/verify.py: shape,
proof, issuer's DID, validity, both status lists), the lists served from memory as the hub serves its own,
each list's proof checked once per batch. Baseline in the same run: the same documents signed and verified
with eddsa-jcs-2022 (JSON canonicalisation instead of RDF). Runs interleaved; median and spread (min-max) of
credentials per second. Not run in pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.report import write_section
from hub.auth.keys import KeyRing
from hub.credentials.status_list import encode_bits, list_credential
from hub.credentials.vc import LIST_LENGTH, PURPOSES, label_credential, status_list_url
from hub.credentials.verify import verify_credential
from hub.db.models import Footprint, Label, Product
from hub.domain.codes import LabelStatus, SystemBoundary
from hub.integrity.identity import HubIdentity
from hub.integrity.proofs import EDDSA_JCS_2022, EDDSA_RDFC_2022

BASE = "https://zj.cfhub.example.org"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def documents(n: int, issuer: str) -> list[dict[str, Any]]:
    """n unsigned label credentials, each of its own label, footprint and product."""
    out = []
    for i in range(n):
        product = Product(iri=f"{BASE}/id/product/{i}", name=f"Product {i}", gtin=f"{6_900_000_000_000 + i}")
        footprint = Footprint(
            iri=f"{BASE}/id/footprint/{i}",
            version=1 + i % 3,
            total_kgco2e=1 + (i % 997) / 7,
            declared_unit="kg",
            declared_unit_amount=1.0,
            system_boundary=SystemBoundary.CRADLE_TO_GATE,
            reference_period_start=date(2025, 1, 1),
            reference_period_end=date(2025, 12, 31),
        )
        label = Label(
            iri=f"{BASE}/id/label/{i}",
            scheme="ZJ-PCF-LABEL",
            grade="ABCDE"[i % 5],
            score=float(100 - i % 5 * 20),
            decided_by_ruleset="label-grade-zj",
            decided_by_ruleset_version="2025.1",
            serial=f"ZJ-PCF-2026-{i:010X}",
            issued_on=date(2026, 4, 1),
            expires_on=date(2029, 3, 31),
            status=LabelStatus.ISSUED,
        )
        out.append(label_credential(label, footprint, product, issuer, BASE, i))
    return out


def timed(work: Callable[[], Any]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as keys:
        identity = HubIdentity(KeyRing(Path(keys)), "did:web:zj.cfhub.example.org")
        unsigned = documents(args.n, identity.did)
        lists = {
            status_list_url(BASE, purpose): identity.sign(
                list_credential(identity.did, BASE, purpose, encode_bits([LIST_LENGTH - 1]), NOW), NOW, EDDSA_RDFC_2022
            )
            for purpose in PURPOSES
        }
        did_document = identity.did_document()
        figures: dict[str, list[float]] = {}
        for run in range(args.runs):
            for suite in (EDDSA_JCS_2022, EDDSA_RDFC_2022):
                signed: list[dict[str, Any]] = []
                seconds = timed(partial(sign_all, identity, unsigned, suite, signed))
                figures.setdefault(f"issue {suite}", []).append(args.n / seconds)
                seconds = timed(partial(verify_all, signed, did_document, lists))
                figures.setdefault(f"verify {suite}", []).append(args.n / seconds)
                print(f"run {run + 1}: {suite} done", flush=True)
    report(figures, args.n, args.runs)


def sign_all(identity: HubIdentity, unsigned: list[dict[str, Any]], suite: str, out: list[dict[str, Any]]) -> None:
    out.extend(identity.sign(document, NOW, suite) for document in unsigned)


def verify_all(signed: list[dict[str, Any]], did_document: Mapping[str, Any], lists: dict[str, Any]) -> None:
    async def status_lists(url: str) -> Mapping[str, Any] | None:
        return lists.get(url)

    def dids(did: str) -> Mapping[str, Any] | None:
        return did_document if did == did_document["id"] else None

    async def run() -> None:
        checked: dict[tuple[str, str], tuple[bool, str]] = {}
        for document in signed:
            result = await verify_credential(document, dids, status_lists, NOW, checked)
            assert result.verified, result.as_json()

    asyncio.run(run())


def report(figures: dict[str, list[float]], n: int, runs: int) -> None:
    rows = []
    for name, values in figures.items():
        median = statistics.median(values)
        baseline = statistics.median(figures[name.split()[0] + " " + EDDSA_JCS_2022])
        rows.append(
            f"| {name} | {median:,.0f} | {min(values):,.0f} - {max(values):,.0f} | {1000 / median:.2f} "
            f"| {baseline / median:.1f}x |"
        )
    issue, verify = (statistics.median(figures[f"{what} {EDDSA_RDFC_2022}"]) for what in ("issue", "verify"))
    markdown = f"""## Label credentials: issue and verify {n:,} (`python -m bench.credentials_bench`)

| step and cryptosuite | per second (median) | spread (min - max) | ms each | slower than jcs |
|---|---:|---:|---:|---:|
{chr(10).join(rows)}

- eddsa-rdfc-2022 (the suite of the label credentials): **{issue:,.0f} issued and {verify:,.0f} verified per
  second** on one core; {n:,} credentials take {n / issue:.0f} s to issue and {n / verify:.0f} s to verify.
- Baseline in the same run: eddsa-jcs-2022 on the same documents (RFC 8785 JSON instead of RDF canonicalisation,
  the suite of exchange bundles). Both hash and sign alike; the difference is pyld's JSON-LD expansion and
  RDFC-1.0 of the document and of the proof configuration (contexts resolved once, tagged static: without
  that, twice as slow).
- Issue = build the credential from a label, its footprint and product, and sign it (HubIdentity.sign). Verify =
  every check of the hub's verifier: shape and bounds, proof, the issuer's DID, validity, both status lists
  (each list's own proof checked once per batch).
- {runs} interleaved runs, cyclic GC paused during each timed step; machines here are shared and noisy:
  compare the ratios."""
    print(markdown)
    write_section("credentials", markdown)


if __name__ == "__main__":
    main()

"""A province-scale database for the scale benchmark and the query-plan test: the demo data (reference
data, the roles' organizations) plus `n` generated footprints of many enterprises, with products, stages,
label decisions (some superseded by a newer one) and labels.

    fill(url, n)    # SQLite file or PostgreSQL, migrated to head first

The rows go in batches, with `COPY ... FROM STDIN` on PostgreSQL and SQLAlchemy Core executemany on SQLite,
not through the services: a million footprints take minutes, not hours. The
shares below are what a regional hub holds: most footprints published, a few hundred thousand enterprises'
products, one enterprise (the demo's `zj-battery`, the bench's caller) owning a handful of them whatever `n`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Engine, Table, func, insert, select, text

from hub.db import models as m
from hub.db.engine import make_engine

BATCH = 5000
# (status, share of footprints): a regional hub's footprints are mostly published
STATUSES = (("published", 0.70), ("verified", 0.10), ("submitted", 0.05), ("draft", 0.10), ("withdrawn", 0.05))
GRADES = ("A", "B", "C", "D")  # label_grade decisions, drawn uniformly
REGIONS = ("ZJ", "YRD", "GBA")  # owners' regions
FOOTPRINTS_PER_PRODUCT = 4
PRODUCTS_PER_ENTERPRISE = 25
LABELLED_SHARE = 0.2  # of published footprints: an issued label with the decision's grade
REDECIDED_SHARE = 0.1  # of decided footprints: an older label decision, superseded by the newer one


@dataclass
class Filled:
    footprints: int
    rows: int  # every row written, all tables
    seconds: float


def _stamp(now: datetime) -> dict[str, Any]:
    return {"created_at": now, "created_by": "bench:scale", "source": "demo"}


def _status(r: random.Random) -> str:
    x, acc = r.random(), 0.0
    for status, share in STATUSES:
        acc += share
        if x < acc:
            return status
    return STATUSES[-1][0]


def _insert(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    """Write `rows` in batches, each batch one executemany in its own transaction; returns how many."""
    done, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            done += _flush(engine, table, batch)
            batch = []
    return done + (_flush(engine, table, batch) if batch else 0)


def _flush(engine: Engine, table: Table, batch: list[dict[str, Any]]) -> int:
    if engine.dialect.name == "postgresql":
        return _copy(engine, table, batch)
    with engine.begin() as conn:
        conn.execute(insert(table), batch)
    return len(batch)


def _copy(engine: Engine, table: Table, batch: list[dict[str, Any]]) -> int:
    """PostgreSQL: the batch through `COPY ... FROM STDIN` (psycopg), five times faster than executemany."""
    from psycopg.types.json import Json

    # the models' Python-side defaults, which COPY (unlike an INSERT through SQLAlchemy) does not apply
    defaults = {
        c.name: c.default.arg
        for c in table.c
        if c.name not in batch[0] and c.default is not None and getattr(c.default, "is_scalar", False)
    }
    batch = [{**defaults, **row} for row in batch] if defaults else batch
    names = list(batch[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    columns = ", ".join(f'"{n}"' for n in names)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur, cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([Json(row[n]) if n in as_json else row[n] for n in names])
        raw.commit()
    finally:
        raw.close()
    return len(batch)


def _next_id(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _organizations(first: int, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    for i in range(count):
        key = first + i
        yield {
            "id": key,
            "iri": f"https://bench.example/org/scale-{key}",
            "kind": "enterprise",
            "region": REGIONS[key % len(REGIONS)],
            "name_zh": f"规模企业{key}",
            "name_en": f"Scale enterprise {key}",
            **_stamp(now),
        }


def _products(first: int, count: int, owners: list[int], categories: list[int], now: datetime) -> Iterator[dict]:
    for i in range(count):
        key = first + i
        yield {
            "id": key,
            "iri": f"https://bench.example/product/scale-{key}",
            "owner_id": owners[i // PRODUCTS_PER_ENTERPRISE % len(owners)],
            "category_id": categories[key % len(categories)],
            "name": f"Scale product {key}",
            **_stamp(now),
        }


def _footprint(key: int, product: int, status: str, verifier: int, now: datetime, r: random.Random) -> dict:
    total = round(r.uniform(0.5, 500.0), 3)
    year = 2020 + key % 6
    return {
        "id": key,
        "iri": f"https://bench.example/footprint/scale-{key}",
        "product_id": product,
        "status": status,
        "declared_unit": "kg",
        "declared_unit_amount": 1.0,
        "product_mass_kg_per_declared_unit": 1.0,
        "total_kgco2e": total,
        "total_including_biogenic_uptake_kgco2e": total,
        "fossil_kgco2e": total,
        "fossil_carbon_content_kgc": 0.0,
        "ipcc_characterization_factors": ["AR6"],
        "system_boundary": "cradle_to_gate",
        "reference_period_start": date(year, 1, 1),
        "reference_period_end": date(year, 12, 31),
        "geography_country": "CN",
        "accounting_standards": ["GB/T 24067-2024"],
        "verifier_id": verifier if status != "draft" else None,
        **_stamp(now),
    }


def _decision(key: int, footprint: int, grade: str, now: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "iri": f"https://bench.example/decision/scale-{key}",
        "footprint_id": footprint,
        "kind": "label_grade",
        "jurisdiction": "ZJ",
        "decided_on": date(2026, 1, 1),
        "status": "decided",
        "outcome": {"grade": grade},
        "grade": grade,
        "score": 80.0,
        "passed": None,
        "chain": [],
        "trace": {},
        **_stamp(now),
    }


def _label(key: int, footprint: int, grade: str, now: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "iri": f"https://bench.example/label/scale-{key}",
        "footprint_id": footprint,
        "scheme": "ZJ-PCF",
        "grade": grade,
        "score": 80.0,
        "decided_by_ruleset": "bench",
        "decided_by_ruleset_version": "1",
        "serial": f"ZJ-PCF-S-{key}",
        "issued_on": date(2026, 1, 1),
        "expires_on": date(2030, 1, 1),
        "status": "issued",
        **_stamp(now),
    }


class _Rows:
    """The footprints and what hangs off them, drawn once so that every table agrees."""

    def __init__(self, engine: Engine, n: int, products: list[int], verifier: int, now: datetime) -> None:
        self.r = random.Random(15)
        self.now = now
        self.first = _next_id(engine, m.Footprint.__table__)
        self.decision_first = _next_id(engine, m.Decision.__table__)
        self.label_first = _next_id(engine, m.Label.__table__)
        self.stage_first = _next_id(engine, m.FootprintStage.__table__)
        self.n, self.products, self.verifier = n, products, verifier
        self.statuses = [_status(self.r) for _ in range(n)]
        self.grades = [self.r.choice(GRADES) for _ in range(n)]

    def footprints(self) -> Iterator[dict[str, Any]]:
        for i in range(self.n):
            product = self.products[i // FOOTPRINTS_PER_PRODUCT % len(self.products)]
            yield _footprint(self.first + i, product, self.statuses[i], self.verifier, self.now, self.r)

    def stages(self) -> Iterator[dict[str, Any]]:
        key = self.stage_first
        for i in range(self.n):
            for stage in ("raw_material_acquisition", "production"):
                yield {"id": key, "footprint_id": self.first + i, "stage": stage, "kgco2e": 1.0}
                key += 1

    def decided(self, i: int) -> bool:
        return self.statuses[i] in ("published", "verified")

    def decisions(self) -> Iterator[dict[str, Any]]:
        key = self.decision_first
        for i in range(self.n):
            if not self.decided(i):
                continue
            if i % round(1 / REDECIDED_SHARE) == 0:  # an older decision with another grade, superseded
                older = GRADES[(GRADES.index(self.grades[i]) + 1) % len(GRADES)]
                yield _decision(key, self.first + i, older, self.now)
                key += 1
            yield _decision(key, self.first + i, self.grades[i], self.now)
            key += 1

    def labels(self) -> Iterator[dict[str, Any]]:
        key = self.label_first
        for i in range(self.n):
            if self.statuses[i] == "published" and i % round(1 / LABELLED_SHARE) == 1:
                yield _label(key, self.first + i, self.grades[i], self.now)
                key += 1


def _load_demo(url: str) -> None:
    from hub.bootstrap import open_hub
    from hub.config import Settings
    from hub.demo.loader import load_demo

    async def run() -> None:
        hub = open_hub(Settings(database_url=url))
        try:
            await load_demo(hub)
        finally:
            await hub.close()

    asyncio.run(run())


def _reference(engine: Engine) -> tuple[list[int], int]:
    """The key products' category ids, and the accredited verifier's id (from the demo data)."""
    with engine.connect() as conn:
        categories = list(
            conn.scalars(select(m.ProductCategory.id).where(m.ProductCategory.level == "product").order_by("id"))
        )
        verifier = conn.scalar(select(m.Organization.id).where(m.Organization.iri.like("%/org/cert-accredited")))
    if not categories or verifier is None:
        raise RuntimeError("the demo data is missing: categories or the accredited verifier")
    return categories, int(verifier)


def fill(url: str, n: int, demo: bool = True) -> Filled:
    """Add `n` generated footprints (and their enterprises, products, stages, decisions, labels) to the
    migrated database at `url`, loading the demo data first when `demo`; then ANALYZE, so the planner
    sees the table as it is."""
    import time

    start = time.perf_counter()
    if demo:
        _load_demo(url)
    engine = make_engine(url)
    try:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        categories, verifier = _reference(engine)
        products_needed = max(1, n // FOOTPRINTS_PER_PRODUCT)
        enterprises = max(3, products_needed // PRODUCTS_PER_ENTERPRISE)
        org_first = _next_id(engine, m.Organization.__table__)
        rows = _insert(engine, m.Organization.__table__, _organizations(org_first, enterprises, now))
        owners = list(range(org_first, org_first + enterprises))
        product_first = _next_id(engine, m.Product.__table__)
        rows += _insert(engine, m.Product.__table__, _products(product_first, products_needed, owners, categories, now))
        drawn = _Rows(engine, n, list(range(product_first, product_first + products_needed)), verifier, now)
        rows += _insert(engine, m.Footprint.__table__, drawn.footprints())
        rows += _insert(engine, m.FootprintStage.__table__, drawn.stages())
        rows += _insert(engine, m.Decision.__table__, drawn.decisions())
        rows += _insert(engine, m.Label.__table__, drawn.labels())
        _after_bulk_load(engine)
    finally:
        engine.dispose()
    return Filled(n, rows, time.perf_counter() - start)


def _after_bulk_load(engine: Engine) -> None:
    """Keys were given explicitly: move PostgreSQL's sequences past them. Then ANALYZE every table."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("organization", "product", "footprint", "footprint_stage", "decision", "label"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))

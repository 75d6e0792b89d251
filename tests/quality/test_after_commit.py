"""Issue 14 item 4, over real HTTP: a submitted or recomputed footprint gets its data-quality result, checked after
the transition's commit in a unit of work of its own (so the check never holds the write lock of the transition).
The caller reads `Footprint.quality` in the mutation's own answer. Of twenty submissions, or recomputations, at
once exactly one wins, and exactly one quality result is stored for what it wrote."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.auth.principal import Role
from hub.db.models import Footprint, QualityResult
from tests import databases
from tests.accounting.test_http import CREATE_FACTOR, CREATE_PRODUCT, _data, _inventory_only, _line
from tests.security.live_hub import Served, serve

QUALITY = "quality { status rulesetId findings }"
CREATE_FOOTPRINT = "mutation($d: JSON!) { createFootprint(data: $d) { footprint { id } errors { path reason } } }"
SUBMIT = f"""mutation($f: ID!, $v: ID!) {{ submitFootprint(footprintId: $f, verifierId: $v) {{
  footprint {{ id status {QUALITY} }} errors {{ path reason }} }} }}"""
RECOMPUTE = f"""mutation($f: ID!) {{ recomputeFootprint(footprintId: $f) {{
  footprint {{ id version {QUALITY} }} errors {{ path reason }} }} }}"""


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _results(served: Served, footprint: str) -> int:
    """Quality results stored for the footprint `footprint`, read by a connection of its own."""
    url = make_url(served.url)
    url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            counted = select(func.count()).select_from(QualityResult).join(Footprint).where(Footprint.iri == footprint)
            return conn.scalar(counted) or 0
    finally:
        engine.dispose()


def _factor(served: Served, value: float, **extra: Any) -> str:
    data = {
        "dataset": "after-commit test",
        "dataset_version": str(value),
        "activity_name": "Electricity, grid",
        "region": "CN",
        "reference_year": 2024,
        "unit": "kWh",
        "value_kgco2e_per_unit": value,
        "gwp_basis": "IPCC AR6 GWP100",
        "source_citation": "test",
        "licence": "test",
        "gases_covered": "co2e",
        **extra,
    }
    return str(
        _data(served.gql(Role.REGULATOR, CREATE_FACTOR, {"d": data}), "createEmissionFactor")["emissionFactor"]["id"]
    )


def _draft(served: Served, factor: str) -> str:
    made = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "P"}}), "createProduct"
    )
    data = _inventory_only(made["product"]["id"], [_line("production", 10, "kWh", emission_factor_iri=factor)])
    created = _data(served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": data}), "createFootprint")
    assert created["errors"] == [], created
    return str(created["footprint"]["id"])


def _checked(quality: dict[str, Any] | None) -> None:
    assert quality is not None, "no quality result in the mutation's answer"
    assert quality["status"] in ("pass", "warning", "failure") and quality["rulesetId"].startswith("quality-zj")
    assert {f["rule"] for f in quality["findings"]} >= {"intensity_range", "grid_factor", "dqr_pedigree"}


def test_twenty_submissions_at_once_one_wins_and_its_footprint_is_checked_once(served: Served) -> None:
    footprint = _draft(served, _factor(served, 0.58))
    assert _results(served, footprint) == 0
    verifier = f"{served.hub.settings.base_iri}org/cert-accredited"
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda _: served.gql(Role.ENTERPRISE, SUBMIT, {"f": footprint, "v": verifier}), range(20))
        )
    results = [_data(a, "submitFootprint") for a in answers]  # no "database is locked", no unexpected error
    won = [r["footprint"] for r in results if r["footprint"] is not None]
    assert len(won) == 1 and won[0]["status"] == "submitted", results
    assert all(r["errors"][0]["path"] == "$.status" for r in results if r["footprint"] is None)
    _checked(won[0]["quality"])
    assert _results(served, footprint) == 1


def test_twenty_recomputations_at_once_one_wins_and_the_new_version_is_checked_once(served: Served) -> None:
    old = _factor(served, 0.6)
    footprint = _draft(served, old)
    _factor(served, 0.5, supersedes_iri=old)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: served.gql(Role.ENTERPRISE, RECOMPUTE, {"f": footprint}), range(20)))
    results = [_data(a, "recomputeFootprint") for a in answers]
    won = [r["footprint"] for r in results if r["footprint"] is not None]
    assert len(won) == 1 and won[0]["version"] == 2, results
    _checked(won[0]["quality"])
    assert _results(served, won[0]["id"]) == 1
    assert _results(served, footprint) == 0, "the old version was not checked again"


def test_a_refused_submission_writes_no_quality_result(served: Served) -> None:
    footprint = _draft(served, _factor(served, 0.59))
    not_a_verifier = f"{served.hub.settings.base_iri}org/zj-cement"
    refused = _data(served.gql(Role.ENTERPRISE, SUBMIT, {"f": footprint, "v": not_a_verifier}), "submitFootprint")
    assert refused["footprint"] is None and refused["errors"][0]["path"] == "$.verifier_id", refused
    assert _results(served, footprint) == 0

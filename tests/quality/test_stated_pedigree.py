"""Issue 14 item 4, over real HTTP: an enterprise states its own pedigree scores on an inventory line
(`pedigree`, five integers 1-5); the computed DQR uses them in preference to the matrix's derived scores, and a
recomputed version keeps them. Anything but an integer from 1 to 5 (NaN, Infinity, 0, 6, 2.5, a string), a missing
or an unknown indicator is refused with a field error naming `$.inventory[i].pedigree.<indicator>`, nothing written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.auth.principal import Role
from hub.db.models import Footprint, InventoryLine, QualityResult
from tests import databases
from tests.accounting.test_http import CREATE_PRODUCT, _data, _inventory_only, _line
from tests.quality.test_after_commit import CREATE_FOOTPRINT, RECOMPUTE, SUBMIT, _factor
from tests.security.live_hub import Served, serve

BEST = {"reliability": 1, "completeness": 1, "temporal": 1, "geographical": 1, "technological": 1}
MIXED = {"reliability": 2, "completeness": 1, "temporal": 3, "geographical": 1, "technological": 3}


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


@pytest.fixture(scope="module")
def product(served: Served) -> str:
    made = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "P"}}), "createProduct"
    )
    return str(made["product"]["id"])


@pytest.fixture(scope="module")
def factor(served: Served) -> str:
    return _factor(served, 0.57)


def _data_with(product: str, factor: str, pedigree: Any = None) -> dict[str, Any]:
    line = _line("production", 10, "kWh", emission_factor_iri=factor)
    if pedigree is not None:
        line["pedigree"] = pedigree
    return _inventory_only(product, [line, _line("production", 5, "kWh", emission_factor_iri=factor)])


def _read(served: Served, footprint: str) -> tuple[list[Any], float | None]:
    """The stored pedigree of each line and the newest quality result's computed DQR."""
    url = make_url(served.url)
    url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            fid = conn.scalar(select(Footprint.id).where(Footprint.iri == footprint))
            lines = list(
                conn.scalars(
                    select(InventoryLine.pedigree).where(InventoryLine.footprint_id == fid).order_by(InventoryLine.id)
                )
            )
            facts = conn.scalar(
                select(QualityResult.facts)
                .where(QualityResult.footprint_id == fid)
                .order_by(QualityResult.id.desc())
                .limit(1)
            )
    finally:
        engine.dispose()
    return lines, None if facts is None else facts["quality"].get("dqr_computed")


def _submitted(served: Served, data: dict[str, Any]) -> str:
    created = _data(served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": data}), "createFootprint")
    assert created["errors"] == [], created
    footprint = str(created["footprint"]["id"])
    verifier = f"{served.hub.settings.base_iri}org/cert-accredited"
    submitted = _data(served.gql(Role.ENTERPRISE, SUBMIT, {"f": footprint, "v": verifier}), "submitFootprint")
    assert submitted["errors"] == [], submitted
    return footprint


def test_stated_scores_are_stored_and_preferred_to_the_matrix_in_the_computed_dqr(
    served: Served, product: str, factor: str
) -> None:
    derived = _submitted(served, _data_with(product, factor))
    stated = _submitted(served, _data_with(product, factor, BEST))
    derived_lines, derived_dqr = _read(served, derived)
    stated_lines, stated_dqr = _read(served, stated)
    assert derived_lines == [None, None] and stated_lines == [BEST, None]
    assert derived_dqr is not None and derived_dqr > 1.0
    # line 1 (10 kWh, 2/3 of the emissions) scores 1 as stated; line 2 keeps the matrix's mean score
    assert stated_dqr == pytest.approx(2 / 3 * 1.0 + 1 / 3 * derived_dqr)


def test_a_recomputed_version_keeps_the_stated_scores(served: Served, product: str) -> None:
    old = _factor(served, 0.61)
    created = _data(
        served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": _data_with(product, old, MIXED)}), "createFootprint"
    )
    _factor(served, 0.52, supersedes_iri=old)
    new = _data(served.gql(Role.ENTERPRISE, RECOMPUTE, {"f": created["footprint"]["id"]}), "recomputeFootprint")
    assert new["errors"] == [], new
    lines, dqr = _read(served, new["footprint"]["id"])
    assert lines == [MIXED, None] and dqr is not None


@pytest.mark.parametrize(
    ("value", "reason"),
    [(0, "minimum"), (6, "maximum"), (2.5, "integer"), ("3", "integer"), (True, "integer"), (None, "integer")],
)
def test_bad_scores_are_refused_naming_the_indicator_and_nothing_is_written(
    served: Served, product: str, factor: str, value: Any, reason: str
) -> None:
    before = served.rows()
    out = _data(
        served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": _data_with(product, factor, {**BEST, "temporal": value})}),
        "createFootprint",
    )
    assert out["footprint"] is None
    assert [e["path"] for e in out["errors"]] == ["$.inventory[0].pedigree.temporal"], out["errors"]
    assert served.rows() == before


def test_a_missing_or_unknown_indicator_is_refused(served: Served, product: str, factor: str) -> None:
    before = served.rows()
    partial = {k: v for k, v in BEST.items() if k != "temporal"}
    for pedigree in (partial, {**BEST, "precision": 1}, [1, 1, 1, 1, 1], {}):
        out = _data(
            served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": _data_with(product, factor, pedigree)}),
            "createFootprint",
        )
        assert out["footprint"] is None and out["errors"], pedigree
        assert all(e["path"].startswith("$.inventory[0].pedigree") for e in out["errors"]), out["errors"]
    assert served.rows() == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_naming_the_indicator(served: Served, product: str, factor: str, raw: str) -> None:
    data = json.dumps(_data_with(product, factor, {**BEST, "temporal": 4444}))
    body = '{"query": ' + json.dumps(CREATE_FOOTPRINT) + ', "variables": {"d": ' + data.replace("4444", raw) + "}}"
    before = served.rows()
    response = served.post(Role.ENTERPRISE, body.encode())
    assert response.status_code == 400, response.text
    (field,) = response.json()["errors"][0]["extensions"]["fields"]
    assert field["path"] == "$.variables.d.inventory[0].pedigree.temporal" and "finite" in field["reason"]
    assert served.rows() == before

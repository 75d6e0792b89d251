"""Issue 14 item 2, over real HTTP: a footprint keeps the factor versions it was computed with; when a factor is
superseded the hub lists, under the caller's policy, the footprints that used it and by how much each would
change; recomputing is an explicit mutation that makes a new draft version (of twenty at once, one wins)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.auth.principal import Role
from tests import databases
from tests.accounting.test_http import CREATE_FACTOR, CREATE_PRODUCT, _data, _inventory_only, _line
from tests.api.fixtures import token
from tests.security.live_hub import GRAPHQL_RESPONSE, Served, serve

CHANGES = """query($f: ID!) { factorChanges(factorId: $f) {
  currentKgco2e recomputedKgco2e changeKgco2e changePercent supersededFactorIri newestFactorIri footprint { id } } }"""
RECOMPUTE = """mutation($f: ID!) { recomputeFootprint(footprintId: $f) {
  footprint { id version status totalKgco2e supersedes { id } inventory { kgco2e emissionFactor { id } } }
  errors { path reason } } }"""
CREATE_FOOTPRINT = (
    "mutation($d: JSON!) { createFootprint(data: $d) { footprint { id totalKgco2e } errors { path reason } } }"
)


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return list(body["data"]["factorChanges"])


def _as(served: Served, org: str, query: str, variables: dict[str, Any]) -> httpx.Response:
    headers = {"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {token(served.hub, Role.ENTERPRISE, org)}"}
    return served.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def _factor(served: Served, value: float, **extra: Any) -> dict[str, Any]:
    data = {
        "dataset": "grid",
        "dataset_version": str(value),
        "activity_name": "electricity",
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
    return _data(served.gql(Role.REGULATOR, CREATE_FACTOR, {"d": data}), "createEmissionFactor")


@pytest.fixture(scope="module")
def used(served: Served) -> dict[str, str]:
    """A footprint of 10 kWh at factor v1 (0.6), then v2 (0.5) superseding v1."""
    v1 = _factor(served, 0.6)["emissionFactor"]["id"]
    product = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "P"}}), "createProduct"
    )["product"]["id"]
    data = _inventory_only(product, [_line("production", 10, "kWh", emission_factor_iri=v1)])
    fp = _data(served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": data}), "createFootprint")["footprint"]
    v2 = _factor(served, 0.5, supersedes_iri=v1)["emissionFactor"]["id"]
    return {"v1": v1, "v2": v2, "footprint": fp["id"]}


def test_a_factor_is_superseded_at_most_once_and_by_a_unit_that_fits(served: Served, used: dict[str, str]) -> None:
    before = served.rows()
    again = _factor(served, 0.4, supersedes_iri=used["v1"])
    assert again["errors"] == [{"path": "$.supersedes_iri", "reason": pytest.approx(again["errors"][0]["reason"])}]
    assert "superseded already" in again["errors"][0]["reason"]
    other_unit = _factor(served, 0.4, supersedes_iri=used["v2"], unit="kg")
    assert (
        other_unit["errors"][0]["path"] == "$.unit"
        and "units that fit: kWh, MWh, MJ, GJ" in other_unit["errors"][0]["reason"]
    )
    assert served.rows() == before


def test_the_owner_sees_which_footprint_used_the_old_factor_and_by_how_much_it_would_change(
    served: Served, used: dict[str, str]
) -> None:
    (change,) = _list(served.gql(Role.ENTERPRISE, CHANGES, {"f": used["v1"]}))
    assert change["footprint"]["id"] == used["footprint"]
    assert (change["currentKgco2e"], change["recomputedKgco2e"], change["changeKgco2e"]) == pytest.approx(
        (6.0, 5.0, -1.0)
    )
    assert change["changePercent"] == pytest.approx(-100 / 6)
    assert (change["supersededFactorIri"], change["newestFactorIri"]) == (used["v1"], used["v2"])
    assert _list(served.gql(Role.ENTERPRISE, CHANGES, {"f": used["v2"]})) == []  # the newest


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.REGIONAL_PLATFORM, Role.STANDARDS_TEAM, Role.INTERNATIONAL_BODY])
def test_roles_that_read_no_inventory_see_no_changes(served: Served, used: dict[str, str], role: Role) -> None:
    assert _list(served.gql(role, CHANGES, {"f": used["v1"]})) == []


def test_another_enterprise_sees_nothing_and_may_not_recompute(served: Served, used: dict[str, str]) -> None:
    assert _list(_as(served, "zj-cement", CHANGES, {"f": used["v1"]})) == []
    before = served.rows()
    out = _data(_as(served, "zj-cement", RECOMPUTE, {"f": used["footprint"]}), "recomputeFootprint")
    assert out["footprint"] is None and out["errors"][0]["path"] == "$.footprint_id"
    assert served.rows() == before


def test_recomputing_makes_one_new_version_with_the_newest_factor_even_when_twenty_ask_at_once(
    served: Served, used: dict[str, str]
) -> None:
    regulator_view = _list(served.gql(Role.REGULATOR, CHANGES, {"f": used["v1"]}))
    assert [c["footprint"]["id"] for c in regulator_view] == [used["footprint"]]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: served.gql(Role.ENTERPRISE, RECOMPUTE, {"f": used["footprint"]}), range(20)))
    results = [_data(a, "recomputeFootprint") for a in answers]
    won = [r["footprint"] for r in results if r["footprint"] is not None]
    assert len(won) == 1, results
    assert all(r["errors"][0]["path"] == "$.supersedes_iri" for r in results if r["footprint"] is None)
    new = won[0]
    assert (new["version"], new["status"], new["supersedes"]["id"]) == (2, "draft", used["footprint"])
    assert new["totalKgco2e"] == pytest.approx(5.0)
    assert [(line["kgco2e"], line["emissionFactor"]["id"]) for line in new["inventory"]] == [
        (pytest.approx(5.0), used["v2"])
    ]
    # the old version is superseded: nothing is left to recompute
    assert _list(served.gql(Role.ENTERPRISE, CHANGES, {"f": used["v1"]})) == []


def test_a_footprint_without_inventory_is_not_recomputed(served: Served) -> None:
    product = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "Stated"}}), "createProduct"
    )["product"]["id"]
    stated = {
        **_inventory_only(product, []),
        "total_kgco2e": 2.0,
        "total_including_biogenic_uptake_kgco2e": 2.0,
        "fossil_kgco2e": 2.0,
        "stages": [{"stage": "production", "kgco2e": 2.0}],
    }
    fp = _data(served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": stated}), "createFootprint")["footprint"]
    before = served.rows()
    out = _data(served.gql(Role.ENTERPRISE, RECOMPUTE, {"f": fp["id"]}), "recomputeFootprint")
    assert out["errors"] == [
        {"path": "$.footprint_id", "reason": "has no inventory: its figures are stated, not computed"}
    ]
    assert served.rows() == before

"""Issue 14 items 1 and "Bad input", over real HTTP: the hub computes a footprint from its inventory (units
converted by pint, supplier footprints rolled up over three tiers), checks what is stated, and refuses what
cannot be right, naming the line and the reason, with nothing written."""

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
from hub.db.models import Footprint, Organization, Product
from hub.domain.codes import FootprintStatus
from tests import databases
from tests.security.live_hub import Served, serve

CREATE_FACTOR = (
    "mutation($d: JSON!) { createEmissionFactor(data: $d) { emissionFactor { id } errors { path reason } } }"
)
CREATE_PRODUCT = "mutation($i: ProductInput!) { createProduct(input: $i) { product { id } errors { path reason } } }"
CREATE_FOOTPRINT = """mutation($d: JSON!) { createFootprint(data: $d) {
  footprint { id totalKgco2e fossilKgco2e biogenicKgco2e landUseChangeKgco2e totalIncludingBiogenicUptakeKgco2e
    uncertaintyMeanKgco2e uncertaintyLowKgco2e uncertaintyHighKgco2e uncertaintyDraws uncertaintySeed
    stages { stage kgco2e } inventory { kgco2e uncertaintyPercent } }
  errors { path reason } } }"""


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _data(response: Any, name: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"][name])


def _factor(served: Served, unit: str, value: float, **extra: Any) -> str:
    data = {
        "dataset": "accounting test",
        "dataset_version": "1",
        "activity_name": f"test activity per {unit}",
        "region": "CN",
        "reference_year": 2024,
        "unit": unit,
        "value_kgco2e_per_unit": value,
        "gwp_basis": "IPCC AR6 GWP100",
        "source_citation": "test",
        "licence": "test",
        "gases_covered": "co2e",
        **extra,
    }
    out = _data(served.gql(Role.REGULATOR, CREATE_FACTOR, {"d": data}), "createEmissionFactor")
    assert out["errors"] == [], out
    return str(out["emissionFactor"]["id"])


@pytest.fixture(scope="module")
def factors(served: Served) -> dict[str, str]:
    return {
        "cathode": _factor(served, "kg", 10.0, biogenic_kgco2e_per_unit=1.0, land_use_change_kgco2e_per_unit=0.5),
        "grid": _factor(served, "kWh", 0.6, uncertainty_percent=10),
        "aluminium": _factor(served, "kg", 13.0, data_quality_rating=2),
        "truck": _factor(served, "tkm", 0.1),
        "ar5": _factor(served, "kg", 1.0, gwp_basis="IPCC AR5 GWP100"),
    }


@pytest.fixture(scope="module")
def product(served: Served) -> str:
    out = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "Pack"}}), "createProduct"
    )
    return str(out["product"]["id"])


def _inventory_only(product: str, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "product_iri": product,
        "declared_unit": "kWh",
        "declared_unit_amount": 1,
        "product_mass_kg_per_declared_unit": 6.7,
        "fossil_carbon_content_kgc": 0,
        "ipcc_characterization_factors": ["AR6"],
        "exempted_emissions_percent": 0,
        "system_boundary": "cradle_to_gate",
        "reference_period_start": "2024-01-01",
        "reference_period_end": "2024-12-31",
        "geography_country": "CN",
        "accounting_standards": ["GB/T 24067-2024"],
        "inventory": lines,
        **extra,
    }


def _line(stage: str, amount: float, unit: str, **source: str) -> dict[str, Any]:
    return {"stage": stage, "activity": f"{amount} {unit}", "amount": amount, "unit": unit, **source}


def _create(served: Served, data: dict[str, Any]) -> dict[str, Any]:
    return _data(served.gql(Role.ENTERPRISE, CREATE_FOOTPRINT, {"d": data}), "createFootprint")


def test_inventory_only_footprints_get_their_figures_from_the_hub_rolled_up_over_three_tiers(
    served: Served, factors: dict[str, str], product: str
) -> None:
    cathode = _create(
        served,
        _inventory_only(
            product,
            [
                _line("raw_material_acquisition", 2, "kg", emission_factor_iri=factors["cathode"]),
                _line("production", 5000, "MJ", emission_factor_iri=factors["grid"]) | {"amount": 18, "unit": "MJ"},
            ],
            declared_unit="kg",
        ),
    )
    assert cathode["errors"] == [], cathode
    # 2 kg x 10 + 18 MJ = 5 kWh x 0.6
    assert cathode["footprint"]["totalKgco2e"] == pytest.approx(23.0)
    assert (cathode["footprint"]["biogenicKgco2e"], cathode["footprint"]["landUseChangeKgco2e"]) == pytest.approx(
        (2.0, 1.0)
    )
    cells = _create(
        served,
        _inventory_only(
            product,
            [
                _line("raw_material_acquisition", 1.5, "kg", supplier_footprint_iri=cathode["footprint"]["id"]),
                _line("raw_material_acquisition", 0.002, "t", emission_factor_iri=factors["aluminium"]),
            ],
        ),
    )
    assert cells["errors"] == [] and cells["footprint"]["totalKgco2e"] == pytest.approx(34.5 + 26.0)
    pack = _create(
        served,
        _inventory_only(
            product,
            [
                _line("raw_material_acquisition", 1, "kWh", supplier_footprint_iri=cells["footprint"]["id"]),
                _line("distribution", 5.6, "tkm", emission_factor_iri=factors["truck"]) | {"uncertainty_percent": 30},
            ],
            biogenic_uptake_kgco2e=-0.5,
        ),
    )
    fp = pack["footprint"]
    assert pack["errors"] == [] and fp["totalKgco2e"] == pytest.approx(61.06)
    assert (fp["fossilKgco2e"], fp["biogenicKgco2e"], fp["landUseChangeKgco2e"]) == pytest.approx((56.56, 3.0, 1.5))
    assert fp["totalIncludingBiogenicUptakeKgco2e"] == pytest.approx(60.56)
    assert fp["stages"] == [
        {"stage": "raw_material_acquisition", "kgco2e": pytest.approx(60.5)},
        {"stage": "distribution", "kgco2e": pytest.approx(0.56)},
    ]
    assert [line["kgco2e"] for line in fp["inventory"]] == [pytest.approx(60.5), pytest.approx(0.56)]
    assert [line["uncertaintyPercent"] for line in fp["inventory"]] == [None, 30]
    # the interval beside the total, with what reproduces it
    assert fp["uncertaintyLowKgco2e"] < fp["totalKgco2e"] < fp["uncertaintyHighKgco2e"]
    assert fp["uncertaintyLowKgco2e"] < fp["uncertaintyMeanKgco2e"] < fp["uncertaintyHighKgco2e"]
    assert (fp["uncertaintyDraws"], fp["uncertaintySeed"]) == (10000, 20261127)


def test_stated_figures_that_agree_are_accepted(served: Served, factors: dict[str, str], product: str) -> None:
    lines = [_line("production", 5, "kWh", emission_factor_iri=factors["grid"]) | {"kgco2e": 3.0}]
    stated = {"total_kgco2e": 3.0, "fossil_kgco2e": 3.0, "total_including_biogenic_uptake_kgco2e": 3.0}
    out = _create(served, _inventory_only(product, lines, stages=[{"stage": "production", "kgco2e": 3.0}], **stated))
    assert out["errors"] == [] and out["footprint"]["totalKgco2e"] == pytest.approx(3.0)


def _good(factors: dict[str, str]) -> list[dict[str, Any]]:
    return [
        _line("raw_material_acquisition", 2, "kg", emission_factor_iri=factors["aluminium"]),
        _line("production", 5, "kWh", emission_factor_iri=factors["grid"]),
    ]


BAD: dict[str, tuple[Any, str, str]] = {
    "unit mismatch": (
        lambda f, p: _inventory_only(p, [_line("production", 1, "t", emission_factor_iri=f["grid"])]),
        "$.inventory[0].unit",
        "t cannot be converted to kWh, the unit of factor",
    ),
    "line disagrees with amount x factor": (
        lambda f, p: _inventory_only(p, [_good(f)[0], _good(f)[1] | {"kgco2e": 99}]),
        "$.inventory[1].kgco2e",
        "states 99 kgCO2e, but 5 kWh x 0.6 kgCO2e per kWh (factor",
    ),
    "total disagrees": (
        lambda f, p: _inventory_only(p, _good(f), total_kgco2e=1.0),
        "$.total_kgco2e",
        "states 1 kgCO2e, but the inventory gives 29",
    ),
    "stage disagrees": (
        lambda f, p: _inventory_only(
            p,
            _good(f),
            stages=[{"stage": "raw_material_acquisition", "kgco2e": 26}, {"stage": "production", "kgco2e": 2}],
        ),
        "$.stages[1].kgco2e",
        "states 2 kgCO2e, but the production lines add up to 3",
    ),
    "negative stage": (
        lambda f, p: {
            **_inventory_only(p, []),
            "total_kgco2e": 0,
            "total_including_biogenic_uptake_kgco2e": 0,
            "fossil_kgco2e": 0,
            "stages": [{"stage": "production", "kgco2e": 1000}, {"stage": "end_of_life", "kgco2e": -1000}],
        },
        "$.stages[1].kgco2e",
        "is negative (-1000); end_of_life cannot have net removals",
    ),
    "year 9999": (
        lambda f, p: _inventory_only(p, _good(f), reference_period_end="9999-12-31"),
        "$.reference_period_end",
        "A date between 1900-01-01 and 2199-12-31",
    ),
    "year 1": (
        lambda f, p: _inventory_only(p, _good(f), reference_period_start="0001-01-01"),
        "$.reference_period_start",
        "A date between 1900-01-01 and 2199-12-31",
    ),
    "unknown GWP set": (
        lambda f, p: _inventory_only(p, _good(f), ipcc_characterization_factors=["AR9"]),
        "$.ipcc_characterization_factors[0]",
        "AR9 is not a known GWP set; known: AR4, AR5, AR6",
    ),
    "factor of another GWP set": (
        lambda f, p: _inventory_only(p, [_line("production", 1, "kg", emission_factor_iri=f["ar5"])]),
        "$.inventory[0].emission_factor_iri",
        "is characterised with AR5, but the footprint declares ipcc_characterization_factors AR6",
    ),
    "product beyond a double": (
        lambda f, p: _inventory_only(p, [_line("production", 1e308, "MWh", emission_factor_iri=f["grid"])]),
        "$.inventory[0].amount",
        "gives an emission beyond the range of a double",
    ),
    "unknown factor": (
        lambda f, p: _inventory_only(p, [_line("production", 1, "kWh", emission_factor_iri=f["grid"] + "x")]),
        "$.inventory[0].emission_factor_iri",
        "names no emission factor you may read",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_naming_line_and_reason_and_nothing_is_written(
    served: Served, factors: dict[str, str], product: str, case: str
) -> None:
    make, path, reason = BAD[case]
    before = served.rows()
    out = _create(served, make(factors, product))
    assert out["footprint"] is None
    assert any(e["path"] == path and reason in e["reason"] for e in out["errors"]), out["errors"]
    if case == "unit mismatch":
        assert out["errors"][0]["reason"].endswith("units that fit: kWh, MWh, MJ, GJ")
    assert served.rows() == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity"])
def test_nan_and_infinity_amounts_are_refused_before_any_arithmetic(
    served: Served, factors: dict[str, str], product: str, raw: str
) -> None:
    data = json.dumps(
        _inventory_only(product, [_line("production", 123456.5, "kWh", emission_factor_iri=factors["grid"])])
    )
    body = '{"query": ' + json.dumps(CREATE_FOOTPRINT) + ', "variables": {"d": ' + data.replace("123456.5", raw) + "}}"
    before = served.rows()
    response = served.post(Role.ENTERPRISE, body.encode())
    assert response.status_code == 400, response.text
    (field,) = response.json()["errors"][0]["extensions"]["fields"]
    assert field["path"] == "$.variables.d.inventory[0].amount" and "is not a finite number" in field["reason"]
    assert served.rows() == before


def _hidden_draft(served: Served) -> str:
    """A draft footprint of another enterprise: the caller may not read it, let alone cite it."""
    url = make_url(served.url)
    url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(
                    select(Footprint.iri)
                    .join(Product, Product.id == Footprint.product_id)
                    .join(Organization, Organization.id == Product.owner_id)
                    .where(Footprint.status == FootprintStatus.DRAFT, ~Organization.iri.endswith("/zj-battery"))
                    .limit(1)
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_supplier_footprint_the_caller_may_not_read_answers_as_one_that_does_not_exist(
    served: Served, product: str
) -> None:
    hidden = _hidden_draft(served)
    answers = []
    for iri in (hidden, hidden + "-none"):
        before = served.rows()
        out = _create(served, _inventory_only(product, [_line("production", 1, "kWh", supplier_footprint_iri=iri)]))
        assert served.rows() == before
        (error,) = out["errors"]
        answers.append((error["path"], error["reason"].replace(iri, "<iri>")))
    assert (
        answers[0] == answers[1] == ("$.inventory[0].supplier_footprint_iri", "names no footprint you may read: <iri>")
    )

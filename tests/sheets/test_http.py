"""Issue 14 item 5 over real HTTP with real workbooks: download the template, fill it with openpyxl, upload it;
the hub computes the totals, refuses bad cells naming sheet/row/column with nothing written, changes nothing
on a second upload, and refuses another enterprise's product in the words of a missing one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.auth.principal import Role
from hub.db.models import Organization, Product
from hub.sheets.layout import layout
from tests import databases
from tests.security.live_hub import Served, serve

CREATE_FACTOR = (
    "mutation($d: JSON!) { createEmissionFactor(data: $d) { emissionFactor { id } errors { path reason } } }"
)
CREATE_PRODUCT = "mutation($i: ProductInput!) { createProduct(input: $i) { product { id } errors { path reason } } }"
FOOTPRINT = "query($id: ID!) { node(id: $id) { ... on Footprint { totalKgco2e stages { stage kgco2e } } } }"


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _data(response: Any, name: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"][name])


@pytest.fixture(scope="module")
def factors(served: Served) -> dict[str, str]:
    out = {}
    for name, unit, value in (("grid", "kWh", 0.6), ("steel", "kg", 2.0)):
        data = {
            "dataset": "sheets test",
            "dataset_version": "1",
            "activity_name": f"sheets {name}",
            "region": "CN",
            "reference_year": 2024,
            "unit": unit,
            "value_kgco2e_per_unit": value,
            "gwp_basis": "IPCC AR6 GWP100",
            "source_citation": "test",
            "licence": "test",
            "gases_covered": "co2e",
        }
        made = _data(served.gql(Role.REGULATOR, CREATE_FACTOR, {"d": data}), "createEmissionFactor")
        assert made["errors"] == [], made
        out[name] = str(made["emissionFactor"]["id"])
    return out


def _product(served: Served, name: str) -> str:
    made = _data(
        served.gql(Role.ENTERPRISE, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": name}}), "createProduct"
    )
    assert made["errors"] == [], made
    return str(made["product"]["id"])


def _foreign_product(served: Served) -> str:
    """A product of another enterprise than the caller's (zj-battery), read straight from the database."""
    url = make_url(served.url)
    url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = conn.scalar(
                select(Product.iri)
                .join(Organization, Organization.id == Product.owner_id)
                .where(~Organization.iri.endswith("/org/zj-battery"))
                .limit(1)
            )
    finally:
        engine.dispose()
    assert found is not None
    return str(found)


def _headers(served: Served, role: Role) -> dict[str, str]:
    return {k: v for k, v in served.headers(role).items() if k == "Authorization"}


def _template(served: Served) -> Workbook:
    response = served.client.get("/sheets/template.xlsx", headers=_headers(served, Role.ENTERPRISE))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _footprint_row(ref: str, product: str, **extra: Any) -> list[Any]:
    values = {
        "ref": ref,
        "product_iri": product,
        "declared_unit": "kg",
        "declared_unit_amount": 1,
        "product_mass_kg_per_declared_unit": 1,
        "system_boundary": "cradle_to_gate",
        "reference_period_start": "2024-01-01",
        "reference_period_end": "2024-12-31",
        "geography_country": "CN",
        "ipcc_characterization_factors": "AR6",
        "accounting_standards": "GB/T 24067-2024",
        "fossil_carbon_content_kgc": 0,
        "exempted_emissions_percent": 0,
        **extra,
    }
    return [values.get(c.key) for c in layout().footprints.columns]


def _line_row(ref: str, stage: str, amount: Any, unit: str, factor: str) -> list[Any]:
    values = {
        "footprint_ref": ref,
        "stage": stage,
        "activity": f"{amount} {unit}",
        "amount": amount,
        "unit": unit,
        "emission_factor_iri": factor,
    }
    return [values.get(c.key) for c in layout().inventory.columns]


def _filled(served: Served, footprints: list[list[Any]], lines: list[list[Any]]) -> bytes:
    """The downloaded template with rows appended below its example row (rows 3, 4, ...)."""
    book = _template(served)
    for rows, name in ((footprints, "footprints"), (lines, "inventory")):
        sheet = next(ws for ws in book.worksheets if ws.title.endswith(name))
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(served: Served, body: bytes, role: Role = Role.ENTERPRISE) -> Any:
    return served.client.post("/sheets/import", content=body, headers=_headers(served, role))


def test_the_template_offers_only_the_callers_products_and_the_code_lists(
    served: Served, factors: dict[str, str]
) -> None:
    own = _product(served, "Template cell")
    book = _template(served)
    names = [ws.title for ws in book.worksheets]
    assert [n.rsplit(" ", 1)[1] for n in names] == ["footprints", "inventory", "codes"]
    footprints = book.worksheets[0]
    assert footprints["B1"].value == "产品 / product_iri"
    assert footprints["A2"].value == layout().example_ref  # the example row, skipped on upload
    codes = book.worksheets[2]
    listed = {c.value for col in codes.iter_cols() for c in col}
    assert own in listed and factors["grid"] in listed and "kWh" in listed and "production" in listed
    assert _foreign_product(served) not in listed
    drop_downs = {str(dv.sqref).split(":")[0] for dv in footprints.data_validations.dataValidation}
    assert {"B2", "C2", "F2"} <= drop_downs  # product, declared unit, system boundary


def test_a_filled_template_is_imported_with_the_hubs_totals_and_a_second_upload_changes_nothing(
    served: Served, factors: dict[str, str]
) -> None:
    product = _product(served, "Round trip cell")
    body = _filled(
        served,
        [_footprint_row("F1", product)],
        [
            _line_row("F1", "production", 100, "kWh", factors["grid"]),
            _line_row("F1", "raw_material_acquisition", 2000, "g", factors["steel"]),
        ],
    )
    response = _upload(served, body)
    assert response.status_code == 200, response.text
    created = response.json()["created"]
    assert list(created) == ["F1"] and response.json()["unchanged"] == {}
    footprint = _data(served.gql(Role.ENTERPRISE, FOOTPRINT, {"id": created["F1"]}), "node")
    assert footprint["totalKgco2e"] == pytest.approx(100 * 0.6 + 2 * 2.0)  # 2000 g converted to 2 kg
    assert {s["stage"]: s["kgco2e"] for s in footprint["stages"]} == pytest.approx(
        {"production": 60.0, "raw_material_acquisition": 4.0}
    )
    before = served.rows()
    again = _upload(served, body)
    assert again.status_code == 200, again.text
    assert again.json() == {"created": {}, "unchanged": created}
    assert served.rows() == before


def test_a_changed_row_for_an_imported_period_is_refused_not_overwritten(
    served: Served, factors: dict[str, str]
) -> None:
    product = _product(served, "Changed cell")
    first = _filled(served, [_footprint_row("A", product)], [_line_row("A", "production", 10, "kWh", factors["grid"])])
    assert _upload(served, first).status_code == 200
    before = served.rows()
    changed = _filled(
        served, [_footprint_row("A", product)], [_line_row("A", "production", 11, "kWh", factors["grid"])]
    )
    response = _upload(served, changed)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("footprints", 3, "product_iri")
    assert "new version" in error["reason"]
    assert served.rows() == before


def test_bad_cells_are_all_named_by_sheet_row_and_column_and_nothing_is_written(
    served: Served, factors: dict[str, str]
) -> None:
    good, bad = _product(served, "Good cell"), _product(served, "Bad cell")
    body = _filled(
        served,
        [_footprint_row("G", good), _footprint_row("B", bad, reference_period_start="2024-13-01")],
        [
            _line_row("G", "production", 5, "kWh", factors["grid"]),
            _line_row("B", "production", "lots", "kWh", factors["grid"]),
            _line_row("B", "production", 5, "furlong", factors["grid"]),
            _line_row("B", "production", 5, "kg", factors["grid"]),  # kg of a factor per kWh: the service's check
            _line_row("X", "production", 5, "kWh", factors["grid"]),
        ],
    )
    before = served.rows()
    response = _upload(served, body)
    assert response.status_code == 422, response.text
    cells = {(e["sheet"], e["row"], e["column"]) for e in response.json()["errors"]}
    assert cells == {
        ("footprints", 4, "reference_period_start"),
        ("inventory", 4, "amount"),
        ("inventory", 5, "unit"),
        ("inventory", 7, "footprint_ref"),
    }
    assert served.rows() == before
    # With the cells fixed, the service's own check names the line whose unit does not fit its factor.
    body = _filled(
        served,
        [_footprint_row("G", good), _footprint_row("B", bad)],
        [
            _line_row("G", "production", 5, "kWh", factors["grid"]),
            _line_row("B", "production", 5, "kg", factors["grid"]),
        ],
    )
    response = _upload(served, body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("inventory", 4, "unit")
    assert "kWh" in error["reason"]
    assert served.rows() == before


def test_another_enterprises_product_is_refused_like_a_missing_one(served: Served, factors: dict[str, str]) -> None:
    foreign = _foreign_product(served)
    missing = foreign.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    reasons = []
    for product in (foreign, missing):
        body = _filled(
            served, [_footprint_row("F", product)], [_line_row("F", "production", 1, "kWh", factors["grid"])]
        )
        response = _upload(served, body)
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert (error["sheet"], error["row"], error["column"]) == ("footprints", 3, "product_iri")
        reasons.append(error["reason"].replace(product, "<iri>"))
    assert reasons[0] == reasons[1]


def test_a_csv_file_imports_the_same_way(served: Served, factors: dict[str, str]) -> None:
    product = _product(served, "CSV cell")
    keys = ["sheet", *[c.key for c in layout().footprints.columns], *[c.key for c in layout().inventory.columns]]
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(keys)
    pad_footprint, pad_line = [""] * len(layout().inventory.columns), [""] * len(layout().footprints.columns)
    out.writerow(["footprints", *_footprint_row("C", product), *pad_footprint])
    out.writerow(["inventory", *pad_line, *_line_row("C", "production", 10, "MWh", factors["grid"])])
    response = _upload(served, text.getvalue().encode())
    assert response.status_code == 200, response.text
    [iri] = response.json()["created"].values()
    assert _data(served.gql(Role.ENTERPRISE, FOOTPRINT, {"id": iri}), "node")["totalKgco2e"] == pytest.approx(6000)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"\x00\x01garbage" * 10, "neither an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable Excel workbook"),
        (b"ref,product_iri\nx,y\n", "first column must be 'sheet'"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_error(served: Served, body: bytes, words: str) -> None:
    before = served.rows()
    response = _upload(served, body)
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]
    assert served.rows() == before


def test_a_huge_file_is_refused_before_it_is_read(served: Served) -> None:
    response = _upload(served, b"x" * (layout().limits.max_bytes + 1))
    assert response.status_code == 413
    assert str(layout().limits.max_bytes) in response.json()["error"]


def test_only_a_caller_that_may_create_footprints_gets_a_template_or_imports(served: Served) -> None:
    assert served.client.get("/sheets/template.xlsx").status_code == 401
    assert served.client.post("/sheets/import", content=b"sheet\n").status_code == 401
    assert _upload(served, b"sheet\n", Role.VERIFIER).status_code == 403
    response = served.client.get("/sheets/template.xlsx", headers=_headers(served, Role.VERIFIER))
    assert response.status_code == 403


def test_the_same_file_uploaded_by_ten_callers_at_once_creates_its_footprint_once(
    served: Served, factors: dict[str, str]
) -> None:
    product = _product(served, "Concurrent cell")
    body = _filled(served, [_footprint_row("R", product)], [_line_row("R", "production", 3, "kWh", factors["grid"])])
    before = served.rows()["footprint"]
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda _: _upload(served, body), range(10)))
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses if r.status_code != 200]
    created = [r.json()["created"] for r in responses if r.json()["created"]]
    assert len(created) == 1
    assert all(r.json()["unchanged"] == created[0] for r in responses if not r.json()["created"])
    assert served.rows()["footprint"] == before + 1

"""`importSheet` over real HTTP as a GraphQL multipart request (issue 14 item 5): a real workbook made from
the downloaded template, through the same service as REST /sheets/import (same errors, all or nothing);
another enterprise's product refused as missing; an oversized upload refused before it is read; a request
without the preflight header refused (CSRF)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hub.api.multipart import FIELD_BYTES
from hub.auth.principal import Role
from hub.sheets.layout import layout
from tests.security.live_hub import Served
from tests.sheets.test_http import (  # the template round trip's fixtures and row makers
    FOOTPRINT,
    _data,
    _filled,
    _footprint_row,
    _foreign_product,
    _line_row,
    _product,
    factors,
    served,
)

__all__ = ["factors", "served"]  # fixtures, shared with the REST round trip

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = (
    "mutation($file: Upload!, $dry: Boolean) { importSheet(file: $file, dryRun: $dry) { dryRun "
    "created { ref footprintId } unchanged { ref footprintId } errors { sheet row column reason } } }"
)


def _multipart(
    served: Served, body: bytes, *, role: Role = Role.ENTERPRISE, dry: bool = False, preflight: bool = True
) -> httpx.Response:
    """The GraphQL multipart request spec: operations (the file's variable null), map, the file part."""
    operations = {"query": IMPORT, "variables": {"file": None, "dry": dry}}
    headers = {k: v for k, v in served.headers(role).items() if k != "Content-Type"}  # httpx sets the boundary
    if preflight:
        headers["Apollo-Require-Preflight"] = "true"
    return served.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("footprints.xlsx", body, XLSX)},
        headers=headers,
    )


def _payload(response: httpx.Response) -> dict[str, Any]:
    return _data(response, "importSheet")


def test_a_filled_template_uploaded_as_multipart_is_imported_once(served: Served, factors: dict[str, str]) -> None:
    product = _product(served, "Multipart cell")
    body = _filled(served, [_footprint_row("M1", product)], [_line_row("M1", "production", 50, "kWh", factors["grid"])])
    before = served.rows()
    dry = _payload(_multipart(served, body, dry=True))
    assert dry["dryRun"] and dry["errors"] == [] and [c["ref"] for c in dry["created"]] == ["M1"]
    assert served.rows() == before  # a dry run checks everything and writes nothing
    done = _payload(_multipart(served, body))
    assert done["errors"] == [] and [c["ref"] for c in done["created"]] == ["M1"]
    footprint = _data(served.gql(Role.ENTERPRISE, FOOTPRINT, {"id": done["created"][0]["footprintId"]}), "node")
    assert footprint["totalKgco2e"] == pytest.approx(50 * 0.6)  # the hub's accounting, as over REST
    after = served.rows()
    again = _payload(_multipart(served, body))
    assert again["created"] == [] and again["unchanged"] == done["created"]
    assert served.rows() == after


def test_bad_cells_and_another_enterprises_product_are_named_like_rest_and_nothing_is_written(
    served: Served, factors: dict[str, str]
) -> None:
    good = _product(served, "Multipart good")
    body = _filled(
        served,
        [_footprint_row("G", good), _footprint_row("F", _foreign_product(served))],
        [
            _line_row("G", "production", 5, "kWh", factors["grid"]),
            _line_row("F", "production", 5, "kWh", factors["grid"]),
        ],
    )
    before = served.rows()
    refused = _payload(_multipart(served, body))
    rest = served.client.post(
        "/sheets/import", content=body, headers={"Authorization": served.headers(Role.ENTERPRISE)["Authorization"]}
    )
    assert rest.status_code == 422
    assert refused["errors"] == rest.json()["errors"]  # the same service, the same words
    [error] = refused["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("footprints", 4, "product_iri")
    assert refused["created"] == [] and served.rows() == before


def test_a_multipart_request_without_the_preflight_header_is_refused_unread(served: Served) -> None:
    before = served.rows()
    response = _multipart(served, b"anything", preflight=False)
    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in response.json()["errors"][0]["message"]
    assert served.rows() == before


def test_an_oversized_upload_is_refused_before_it_is_read(served: Served) -> None:
    response = _multipart(served, b"x" * (layout().limits.max_bytes + FIELD_BYTES + 1))
    assert response.status_code == 413
    assert str(layout().limits.max_bytes) in response.json()["errors"][0]["message"]


def test_a_role_that_may_not_create_footprints_is_refused_and_a_string_is_no_file(served: Served) -> None:
    response = _multipart(served, b"x", role=Role.VERIFIER)
    body = response.json()
    assert body["data"] is None or body["data"]["importSheet"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    as_json = served.gql(Role.ENTERPRISE, IMPORT, {"file": "not a file"})
    [error] = _data(as_json, "importSheet")["errors"]
    assert (error["sheet"], error["column"]) == ("file", "file") and "multipart" in error["reason"]


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"operations": "{", "map": "{}"}, "$.operations"),
        (
            {
                "operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
                "map": '{"1": ["variables.file"]}',
            },
            "'1'",
        ),
        (
            {"operations": json.dumps({"query": IMPORT, "variables": {"file": None}}), "map": '{"0": ["query"]}'},
            "variables",
        ),
        ({"operations": json.dumps([{"query": IMPORT}]), "map": '{"0": ["variables.file"]}'}, "batched"),
    ],
)
def test_a_malformed_multipart_request_is_named_and_refused(served: Served, form: dict[str, str], words: str) -> None:
    headers = {k: v for k, v in served.headers(Role.ENTERPRISE).items() if k != "Content-Type"}
    headers["Apollo-Require-Preflight"] = "1"
    response = served.client.post("/graphql", data=form, files={"0": ("f.xlsx", b"x", XLSX)}, headers=headers)
    assert response.status_code == 400
    assert words in response.json()["errors"][0]["message"]

"""Sources over real HTTP (issue 14 item 4): the regulator imports a CSV as a GraphQL multipart upload; the
figures are read under the policy: an enterprise its own, the regulator all, every other role none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.auth.principal import Role
from tests import databases
from tests.api.fixtures import token
from tests.security.live_hub import Served, serve

IMPORT = (
    'mutation($kind: String!, $file: Upload!) { importSource(kind: $kind, file: $file, publisher: "Zhejiang '
    'energy office (test)", licence: "CC BY 4.0") { datasetId created rows errors { file row column reason } } }'
)
RECORDS = (
    "query($kind: String) { sourceRecords(kind: $kind, first: 1000) { kind item amount unit "
    "organization { creditCode } } }"
)
TEA = "913300001MA21K7Q3Q"


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _upload(served: Served, role: Role, text: str, kind: str = "energy-monitoring") -> httpx.Response:
    operations = {"query": IMPORT, "variables": {"kind": kind, "file": None}}
    headers = {k: v for k, v in served.headers(role).items() if k != "Content-Type"}
    headers["Apollo-Require-Preflight"] = "1"
    return served.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"f": ["variables.file"]})},
        files={"f": ("tea-2023.csv", text.encode(), "text/csv")},
        headers=headers,
    )


def _records(served: Served, bearer: str | None, kind: str | None = None) -> list[dict[str, Any]]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
    response = served.client.post("/graphql", json={"query": RECORDS, "variables": {"kind": kind}}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return list(body["data"]["sourceRecords"])


def test_the_regulator_imports_by_multipart_and_a_bad_file_is_named_with_nothing_written(served: Served) -> None:
    good = f"credit_code,period,item,amount,unit\n{TEA},2023-08,electricity,100,MWh\n{TEA},2023-08,output,25,t\n"
    response = _upload(served, Role.REGULATOR, good)
    payload = response.json()["data"]["importSource"]
    assert payload["errors"] == [] and payload["created"] and payload["rows"] == 2
    before = served.rows()
    bad = good.replace("100,MWh", "NaN,MWh").replace("25,t", "25,furlong")
    errors = _upload(served, Role.REGULATOR, bad).json()["data"]["importSource"]["errors"]
    assert [(e["file"], e["row"], e["column"]) for e in errors] == [
        ("tea-2023.csv", 2, "amount"),
        ("tea-2023.csv", 3, "unit"),
    ]
    again = _upload(served, Role.REGULATOR, good).json()["data"]["importSource"]
    assert (again["created"], again["datasetId"]) == (False, payload["datasetId"])
    assert served.rows() == before


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.VERIFIER, Role.STANDARDS_TEAM, Role.PUBLIC])
def test_no_other_role_imports(served: Served, role: Role) -> None:
    before = served.rows()
    body = _upload(served, role, f"credit_code,period,item,amount,unit\n{TEA},2023-09,output,1,t\n").json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert served.rows() == before


def test_an_enterprise_reads_its_own_figures_the_regulator_all_and_others_none(served: Served) -> None:
    everything = _records(served, token(served.hub, Role.REGULATOR))
    codes = {r["organization"]["creditCode"] for r in everything}
    assert {"913302007MA27K7Q3M", "913305008MA28K7Q38", "913301006MA26K7Q3D"} <= codes
    cement = _records(served, token(served.hub, Role.ENTERPRISE, "zj-cement"))
    assert cement and {r["organization"]["creditCode"] for r in cement} == {"913302007MA27K7Q3M"}
    assert {r["kind"] for r in cement} == {"energy-monitoring", "verified-emissions"}
    verified = _records(served, token(served.hub, Role.ENTERPRISE, "zj-cement"), "verified-emissions")
    assert {r["item"] for r in verified} == {"scope1", "scope2", "output"}
    assert _records(served, token(served.hub, Role.ENTERPRISE, "zj-apparel")) == []  # no source reports it
    for role in (Role.VERIFIER, Role.STANDARDS_TEAM, Role.REGIONAL_PLATFORM, Role.INTERNATIONAL_BODY, Role.PUBLIC):
        assert _records(served, token(served.hub, role)) == [], role

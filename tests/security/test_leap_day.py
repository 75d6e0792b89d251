"""Issue 9 item 20 over real HTTP: a footprint whose reference period ends on 29 February goes through its
whole life (create, submit, verify, publish) and is decided like any other; the calendar's edges (28 Feb,
31 Dec, 1 Jan) too. Before the fix, deciding it raised ("Unexpected error.") because the default validity
end was computed with `date.replace(year=...)`."""

from __future__ import annotations

from typing import Any

import pytest

from hub.auth.principal import Role
from tests.api.conftest import Live
from tests.api.fixtures import gql, org_iri, token
from tests.api.payloads import footprint_input

CREATE_PRODUCT = "mutation($i: ProductInput!) { createProduct(input: $i) { product { id } errors { path reason } } }"
CREATE_FOOTPRINT = "mutation($d: JSON!) { createFootprint(data: $d) { footprint { id } errors { path reason } } }"
FACTOR = '{ emissionFactors(filter: {units: ["kWh"]}, first: 1) { edges { node { id valueKgco2ePerUnit } } } }'
SUBMIT = (
    "mutation($f: ID!, $v: ID!) { submitFootprint(footprintId: $f, verifierId: $v) "
    "{ footprint { status } errors { path reason } } }"
)
VERIFY = (
    'mutation($f: ID!) { verifyFootprint(footprintId: $f, statement: "Checked.") '
    "{ footprint { status } errors { path reason } } }"
)
PUBLISH = "mutation($f: ID!) { publishFootprint(footprintId: $f) { footprint { status } errors { path reason } } }"
DECISIONS = "query($f: ID!) { node(id: $f) { ... on Footprint { decisions { kind jurisdiction status } } } }"


def _data(live: Live, query: str, role: Role, name: str, **variables: Any) -> dict[str, Any]:
    response = gql(live.client, query, token(live.hub, role), variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    return payload


def _footprint(live: Live, start: str, end: str) -> str:
    product = _data(live, CREATE_PRODUCT, Role.ENTERPRISE, "createProduct", i={"categoryCode": "KP-46", "name": end})
    assert product["errors"] == []
    edges = _data(live, FACTOR, Role.ENTERPRISE, "emissionFactors")["edges"]
    factor = edges[0]["node"]
    data = footprint_input(product["product"]["id"], factor["id"], 10.0, factor["valueKgco2ePerUnit"])
    data |= {"reference_period_start": start, "reference_period_end": end}
    created = _data(live, CREATE_FOOTPRINT, Role.ENTERPRISE, "createFootprint", d=data)
    assert created["errors"] == []
    return str(created["footprint"]["id"])


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2023-03-01", "2024-02-29"),
        ("2022-03-01", "2023-02-28"),
        ("2024-01-01", "2024-12-31"),
        ("2023-01-02", "2024-01-01"),
    ],
)
def test_a_footprint_ending_on_any_day_is_verified_published_and_decided(live: Live, start: str, end: str) -> None:
    fp = _footprint(live, start, end)
    verifier = org_iri(live.hub.settings, "cert-accredited")
    assert _data(live, SUBMIT, Role.ENTERPRISE, "submitFootprint", f=fp, v=verifier) == {
        "footprint": {"status": "submitted"},
        "errors": [],
    }
    assert _data(live, VERIFY, Role.VERIFIER, "verifyFootprint", f=fp) == {
        "footprint": {"status": "verified"},
        "errors": [],
    }
    assert _data(live, PUBLISH, Role.REGULATOR, "publishFootprint", f=fp) == {
        "footprint": {"status": "published"},
        "errors": [],
    }
    decisions = _data(live, DECISIONS, Role.ENTERPRISE, "node", f=fp)["decisions"]
    # decided on creation, verification and publication: every kind each time
    assert {(d["kind"], d["jurisdiction"]) for d in decisions} == {
        ("label_grade", "ZJ"),
        ("recognition", "GBA"),
        ("recognition", "INTL"),
        ("recognition", "YRD"),
    }

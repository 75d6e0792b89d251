"""The PACT v3 host over real HTTP: tokens, discovery, ListFootprints with every filter and its pagination
links, GetFootprint, and the error bodies the specification lists."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub.auth.principal import Role
from hub.pact.filters import validity
from tests import databases
from tests.api.fixtures import principal
from tests.pact.host_live import Host, live_host

PUBLIC_BASE = "https://pact.zj.example.org"


@pytest.fixture(scope="module")
def host(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    with live_host(templates, tmp_path_factory.mktemp("keys"), public_base_url=PUBLIC_BASE) as h:
        yield h


def _basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def test_a_pact_client_gets_a_token_with_client_credentials_and_reads_with_it(host: Host) -> None:
    r = host.client.post("/auth/token", data={"grant_type": "client_credentials"}, headers=_basic(*host.credentials))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    listed = host.client.get("/3/footprints", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200 and listed.json()["data"]


@pytest.mark.parametrize(
    ("data", "auth", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, "wrong", 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, None, 401, "invalid_client"),
        ({"grant_type": "password"}, "right", 400, "unsupported_grant_type"),
        ({}, "right", 400, "invalid_request"),  # no form at all
        (
            {"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "x"},
            None,
            401,
            "invalid_client",
        ),
    ],
)
def test_token_errors_follow_rfc_6749(
    host: Host, data: dict[str, str], auth: str | None, status: int, error: str
) -> None:
    client_id, secret = host.credentials
    headers = {} if auth is None else _basic(client_id, secret if auth == "right" else secret + "x")
    r = host.client.post("/auth/token", data=data, headers=headers)
    assert r.status_code == status and r.json()["error"] == error
    assert "access_token" not in r.json()


def test_openid_discovery_names_the_token_endpoint_at_the_public_origin(host: Host) -> None:
    doc = host.client.get("/.well-known/openid-configuration").json()
    assert doc["token_endpoint"] == f"{PUBLIC_BASE}/auth/token"
    assert doc["jwks_uri"] == f"{PUBLIC_BASE}/.well-known/jwks.json"
    assert doc["grant_types_supported"] == ["client_credentials"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "BadRequest"),
        ({"Authorization": "Bearer very-invalid-access-token"}, "BadRequest"),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, "BadRequest"),
    ],
)
@pytest.mark.parametrize("path", ["/3/footprints", "/3/footprints/00000000-0000-0000-0000-000000000000"])
def test_a_bad_token_is_refused_with_a_pact_error_body(
    host: Host, headers: dict[str, str], code: str, path: str
) -> None:
    r = host.client.get(path, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == code and r.json()["message"]
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "data" not in r.json()


def test_an_expired_token_is_token_expired(host: Host) -> None:
    hub = host.hub
    issued = hub.tokens.issue(principal(hub.settings, Role.INTERNATIONAL_BODY), ttl=timedelta(seconds=60))
    now = hub.tokens.clock
    hub.tokens.clock = lambda: now() + timedelta(hours=2)  # type: ignore[method-assign]
    try:
        r = host.client.get("/3/footprints", headers={"Authorization": f"Bearer {issued}"})
    finally:
        hub.tokens.clock = now  # type: ignore[method-assign]
    assert r.status_code == 401 and r.json()["code"] == "TokenExpired"


def test_pages_follow_next_links_from_the_public_origin_and_add_up_to_the_whole_list(host: Host) -> None:
    headers = host.bearer()
    whole = host.list_all(headers)
    assert len(whole) > 7
    first = host.client.get("/3/footprints", params={"limit": 7}, headers=headers)
    assert len(first.json()["data"]) == 7
    assert first.links["next"]["url"].startswith(f"{PUBLIC_BASE}/3/footprints?")
    walked = host.list_all(headers, limit=7)
    assert [d["id"] for d in walked] == [d["id"] for d in whole]
    assert len({d["id"] for d in whole}) == len(whole)
    last = host.client.get("/3/footprints", params={"limit": len(whole)}, headers=headers)
    assert "link" not in last.headers  # no next page: no link to an empty one


def test_the_link_follows_the_proxys_forwarded_headers(host: Host) -> None:
    headers = {**host.bearer(), "X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy.example.org:8443"}
    r = host.client.get("/3/footprints", params={"limit": 1}, headers=headers)
    assert r.links["next"]["url"].startswith("https://proxy.example.org:8443/3/footprints?")
    r = host.client.get(
        "/3/footprints", params={"limit": 1}, headers={**host.bearer(), "Forwarded": 'proto=https;host="a.example"'}
    )
    assert r.links["next"]["url"].startswith("https://a.example/3/footprints?")


def _values(doc: dict[str, Any], name: str) -> list[str]:
    pcf = doc["pcf"]
    return {
        "productId": doc.get("productIds", []),
        "companyId": doc.get("companyIds", []),
        "classification": doc.get("productClassifications", []),
        "status": [doc["status"]],
        "geography": [
            pcf[k]
            for k in ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion")
            if k in pcf
        ],
    }[name]


@pytest.mark.parametrize("name", ["productId", "companyId", "classification", "status", "geography"])
def test_each_list_filter_returns_exactly_the_matching_footprints(host: Host, name: str) -> None:
    headers = host.bearer()
    whole = host.list_all(headers)
    value = _values(whole[-1], name)[0]
    got = host.list_all(headers, **{name: value.upper()})  # matches are case-insensitive
    assert [d["id"] for d in got] == [d["id"] for d in whole if value in _values(d, name)]
    assert (got and len(got) < len(whole)) or name == "status"
    assert host.list_all(headers, **{name: "urn:bogus:nothing"}) == []


def test_values_of_one_criterion_are_ored_and_criteria_anded(host: Host) -> None:
    headers = host.bearer()
    whole = host.list_all(headers)
    a, b = whole[0], whole[-1]
    pids = [a["productIds"][0], b["productIds"][0]]
    got = host.list_all(headers, productId=pids)
    assert {d["id"] for d in got} == {d["id"] for d in whole if set(d["productIds"]) & set(pids)}
    anded = host.list_all(headers, productId=pids, companyId=a["companyIds"][0])
    assert {d["id"] for d in anded} == {d["id"] for d in got if a["companyIds"][0] in d["companyIds"]}
    assert host.list_all(headers, productId=pids, companyId="urn:bogus:company") == []


def test_validity_filters_use_the_validity_period_or_the_specs_default(host: Host) -> None:
    headers = host.bearer()
    whole = host.list_all(headers)
    start, end = validity(whole[0])
    assert start is not None and end is not None
    on = host.list_all(headers, validOn=start.isoformat())
    assert whole[0]["id"] in {d["id"] for d in on}
    for doc in on:
        s, e = validity(doc)
        assert s is not None and e is not None and s <= start <= e
    after = host.list_all(headers, validAfter=(start - timedelta(days=1)).isoformat())
    assert whole[0]["id"] in {d["id"] for d in after}
    before = host.list_all(headers, validBefore=(end + timedelta(days=1)).isoformat())
    assert whole[0]["id"] in {d["id"] for d in before}
    assert host.list_all(headers, validOn="1900-01-01T00:00:00Z") == []
    assert host.list_all(headers, validAfter="2099-12-31T23:59:59Z") == []
    assert host.list_all(headers, validBefore="1900-01-01T00:00:00Z") == []


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"validOn": "yesterday"}, "validOn"),
        ({"validAfter": "2024-13-45T00:00:00Z"}, "validAfter"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"$filter": "created ge '2023-01-15T10:15:30Z'"}, "$filter"),
        ({"x-cfhub-after": "bm90IGEgY3Vyc29y"}, "x-cfhub-after"),
        ({"x-cfhub-after": "-1"}, "x-cfhub-after"),
        ({"x-cfhub-after": "54832418282"}, "x-cfhub-after"),  # beyond a key (PostgreSQL refused it: a 500)
    ],
)
def test_bad_parameters_are_a_bad_request_naming_the_parameter(host: Host, params: dict[str, str], named: str) -> None:
    r = host.client.get("/3/footprints", params=params, headers=host.bearer())
    assert r.status_code == 400 and r.json()["code"] == "BadRequest"
    assert r.json()["message"].startswith(named)


def test_an_unknown_status_matches_nothing(host: Host) -> None:
    r = host.client.get("/3/footprints", params={"status": "BogusStatus"}, headers=host.bearer())
    assert r.status_code == 200 and r.json() == {"data": []}


def test_get_footprint_returns_each_listed_footprint(host: Host) -> None:
    headers = host.bearer()
    for doc in host.list_all(headers)[:5]:
        r = host.client.get(f"/3/footprints/{doc['id'].upper()}", headers=headers)
        assert r.status_code == 200 and r.json() == {"data": doc}


def test_get_footprint_not_found_and_not_a_uuid(host: Host) -> None:
    r = host.client.get("/3/footprints/00000000-0000-0000-0000-000000000000", headers=host.bearer())
    assert r.status_code == 404 and r.json()["code"] == "NotFound"
    r = host.client.get("/3/footprints/not-a-uuid", headers=host.bearer())
    assert r.status_code == 400 and r.json()["code"] == "BadRequest" and r.json()["message"].startswith("id")


def test_a_footprint_the_caller_may_not_read_is_not_found_like_one_that_does_not_exist(host: Host) -> None:
    regulator = {d["id"] for d in host.list_all(host.bearer(Role.REGULATOR))}
    body = host.list_all(host.bearer())
    hidden = sorted(regulator - {d["id"] for d in body})
    assert hidden, "the demo data has footprints the regulator may read and the international body may not"
    r = host.client.get(f"/3/footprints/{hidden[0]}", headers=host.bearer())
    missing = host.client.get("/3/footprints/00000000-0000-0000-0000-000000000000", headers=host.bearer())
    assert (r.status_code, r.json()["code"]) == (missing.status_code, missing.json()["code"]) == (404, "NotFound")
    assert r.headers.get("content-length") is None or len(r.content) == len(missing.content)

"""exportBundle, importBundle and importedRecords over real HTTP on the three hubs: only the regulator may move
bundles; an imported record shows its source; and each record's usage policy narrows who may read it."""

from __future__ import annotations

from typing import Any

import httpx

from hub.auth.principal import Principal, Role
from hub.bootstrap import token_service
from tests.federation.hubs import Federation
from tests.security.lifecycle_world import together

EXPORT = "mutation($to: String!) { exportBundle(to: $to) { bundle errors { path reason } } }"
IMPORT = (
    "mutation($b: JSON!) { importBundle(bundle: $b) { inserted updated unchanged keptNewer errors { path reason } } }"
)
RECORDS = (
    "{ importedRecords(first: 100) { totalCount edges { node { id sourceHub sourceRegion mappingIri document } } } }"
)
ORGS = {Role.REGULATOR: "zj-regulator", Role.STANDARDS_TEAM: "zj-standards", Role.ENTERPRISE: "zj-battery"}


def _gql(fed: Federation, region: str, role: Role, query: str, **variables: Any) -> dict[str, Any]:
    settings = fed[region].settings
    org = f"{settings.base_iri}org/{ORGS.get(role, 'yrd-platform')}"
    token = token_service(settings).issue(Principal(role, org, "YRD" if role is Role.REGIONAL_PLATFORM else "ZJ"))
    answer = httpx.post(
        f"{fed[region].url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"},
        timeout=120,
    )
    body: dict[str, Any] = answer.json()
    return body


def test_regulators_move_bundles_and_the_records_show_their_source(federation: Federation) -> None:
    fed = federation
    exported = _gql(fed, "ZJ", Role.REGULATOR, EXPORT, to="YRD")["data"]["exportBundle"]
    bundle = exported["bundle"]
    assert exported["errors"] == [] and bundle["proof"]["verificationMethod"].startswith(fed["ZJ"].did)
    answer = _gql(fed, "YRD", Role.REGULATOR, IMPORT, b=bundle)
    assert answer.get("data"), answer.get("errors")
    imported = answer["data"]["importBundle"]
    assert imported == {"inserted": len(bundle["records"]), "updated": 0, "unchanged": 0, "keptNewer": 0, "errors": []}
    again = _gql(fed, "YRD", Role.REGULATOR, IMPORT, b=bundle)["data"]["importBundle"]
    assert again["inserted"] == 0 and again["unchanged"] == len(bundle["records"])
    read = _gql(fed, "YRD", Role.REGULATOR, RECORDS)
    assert read.get("data"), read
    page = read["data"]["importedRecords"]
    assert page["totalCount"] == len(bundle["records"])
    node = page["edges"][0]["node"]
    assert node["sourceHub"] == fed["ZJ"].did and node["sourceRegion"] == "ZJ"
    assert node["mappingIri"].endswith("zj-to-yrd") and node["document"]["iri"] == node["id"]


def test_others_may_not_move_bundles_nor_read_what_the_usage_policy_withholds(federation: Federation) -> None:
    fed = federation
    for role in (Role.ENTERPRISE, Role.STANDARDS_TEAM, Role.REGIONAL_PLATFORM):
        refused = _gql(fed, "ZJ", role, EXPORT, to="YRD")
        assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    bundle = _gql(fed, "GBA", Role.REGULATOR, EXPORT, to="ZJ")["data"]["exportBundle"]["bundle"]
    refused = _gql(fed, "ZJ", Role.STANDARDS_TEAM, IMPORT, b=bundle)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert fed.rows("ZJ", "SELECT iri FROM imported_record") == []
    assert _gql(fed, "ZJ", Role.REGULATOR, IMPORT, b=bundle)["data"]["importBundle"]["inserted"] > 0
    # GBA's policy names only the regulator: ZJ's standards team (whom ZJ's policy would let read imported
    # records) sees none of them; an enterprise or a partner platform may not read imported records at all.
    team = _gql(fed, "ZJ", Role.STANDARDS_TEAM, RECORDS.replace("totalCount ", ""))["data"]["importedRecords"]
    assert team["edges"] == []
    for role in (Role.ENTERPRISE, Role.REGIONAL_PLATFORM):
        answer = _gql(fed, "ZJ", role, RECORDS.replace("totalCount ", ""))
        assert answer["data"]["importedRecords"]["edges"] == [], answer


def test_a_refused_bundle_names_the_problem_in_the_payload(federation: Federation) -> None:
    fed = federation
    bundle = _gql(fed, "ZJ", Role.REGULATOR, EXPORT, to="GBA")["data"]["exportBundle"]["bundle"]
    answer = _gql(fed, "YRD", Role.REGULATOR, IMPORT, b=bundle)["data"]["importBundle"]
    assert answer["inserted"] == 0 and answer["errors"][0]["path"] == "$.audience"
    unknown = _gql(fed, "ZJ", Role.REGULATOR, EXPORT, to="INTL")["data"]["exportBundle"]
    assert unknown["bundle"] is None and "no peer hub for region 'INTL'" in unknown["errors"][0]["reason"]


def test_twenty_imports_of_one_bundle_at_once_write_it_once(federation: Federation) -> None:
    fed = federation
    bundle = _gql(fed, "ZJ", Role.REGULATOR, EXPORT, to="GBA")["data"]["exportBundle"]["bundle"]
    answers = together([lambda: _gql(fed, "GBA", Role.REGULATOR, IMPORT, b=bundle)] * 20)
    payloads = [a["data"]["importBundle"] for a in answers]
    assert all(p["errors"] == [] for p in payloads), [a.get("errors") for a in answers]
    assert sum(p["inserted"] for p in payloads) == len(bundle["records"])
    assert [p["inserted"] for p in payloads].count(len(bundle["records"])) == 1
    assert len(fed.rows("GBA", "SELECT iri FROM imported_record")) == len(bundle["records"])
    assert len(fed.rows("GBA", "SELECT id FROM audit_event WHERE action = 'import'")) == 1

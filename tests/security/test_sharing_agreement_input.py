"""Issue 9, items 4 and 12 (write side): a sharing agreement names what it shares, or it is refused.

An agreement with `statuses: []` used to be stored and then opened every footprint to the platform;
`fields` as a list, a string or a number was an "Unexpected error.", and `{"Footprint": "status"}` was
walked letter by letter. Now the input follows schema/json/sharing-agreement.schema.json and the policy
catalog: each refusal is a field error naming `$.<field>` and its reason, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.auth.principal import Role
from tests import databases
from tests.security.live_hub import Served, serve

CREATE = """mutation($input: SharingAgreementInput!) {
  createSharingAgreement(input: $input) { sharingAgreement { id recordKinds statuses } errors { path reason } }
}"""
VALID: dict[str, Any] = {
    "region": "YRD",
    "title": "probe agreement",
    "recordKinds": ["Footprint", "Product"],
    "statuses": ["published"],
    "fields": {"Footprint": ["status", "total_kgco2e"]},
    "validFrom": "2025-01-01",
}
PLATFORM_FOOTPRINTS = "{ footprints(first: 1) { totalCount } }"


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One hub for the refusals (each checks that nothing was written)."""
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


@pytest.fixture
def own_hub(templates: databases.Templates, tmp_path: Path) -> Iterator[Served]:
    """A hub of its own, for a test that writes."""
    with serve(templates, tmp_path / "keys") as s:
        yield s


def _create(served: Served, **changes: Any) -> dict[str, Any]:
    response = served.gql(Role.REGULATOR, CREATE, {"input": {**VALID, **changes}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body  # never "Unexpected error."
    payload: dict[str, Any] = body["data"]["createSharingAgreement"]
    return payload


def _platform_sees(served: Served) -> int:
    response = served.gql(Role.REGIONAL_PLATFORM, PLATFORM_FOOTPRINTS)
    return int(response.json()["data"]["footprints"]["totalCount"])


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        ({"statuses": []}, "$.statuses", "should be non-empty"),
        ({"fields": None}, "$.fields", "is required"),
        ({"recordKinds": []}, "$.record_kinds", "should be non-empty"),
        ({"statuses": ["draft", "secret"]}, "$.statuses[1]", "is not one of"),
        ({"statuses": ["published", "published"]}, "$.statuses", "non-unique"),
        ({"recordKinds": ["Footprint", "Nope"]}, "$.record_kinds[1]", "is not a record kind: 'Nope'"),
        ({"fields": ["total_kgco2e"]}, "$.fields", "is not of type 'object'"),
        ({"fields": "status"}, "$.fields", "is not of type 'object'"),
        ({"fields": 3}, "$.fields", "is not of type 'object'"),
        ({"fields": {"Footprint": "status"}}, "$.fields.Footprint", "is not of type 'array'"),
        ({"fields": {"Footprint": []}}, "$.fields.Footprint", "should be non-empty"),
        ({"fields": {}}, "$.fields", "should be non-empty"),
        ({"fields": {"Footprint": [1]}}, "$.fields.Footprint[0]", "is not of type 'string'"),
        ({"fields": {"Footprint": ["status", "secret"]}}, "$.fields.Footprint[1]", "Footprint has no field 'secret'"),
        ({"fields": {"Label": ["grade"]}}, "$.fields.Label", "names a kind the agreement does not cover"),
        ({"title": "   "}, "$.title", "Not only white space"),
        ({"region": "MARS"}, "$.region", "is not one of"),
        ({"validFrom": "1066-10-14"}, "$.valid_from", "between 1900-01-01 and 2199-12-31"),
        ({"validUntil": "2024-12-31"}, "$.valid_until", "is before valid_from"),
    ],
)
def test_a_malformed_agreement_is_a_field_error_and_writes_nothing(
    served: Served, changes: dict[str, Any], path: str, reason: str
) -> None:
    before, seen = served.rows(), _platform_sees(served)
    payload = _create(served, **changes)
    assert payload["sharingAgreement"] is None
    assert [e["path"] for e in payload["errors"]] == [path], payload["errors"]
    assert reason in payload["errors"][0]["reason"]
    assert served.rows() == before
    assert _platform_sees(served) == seen  # item 4: the platform reads nothing more


def test_fields_given_as_a_string_are_not_walked_letter_by_letter(served: Served) -> None:
    payload = _create(served, fields={"Footprint": "status"})
    assert len(payload["errors"]) == 1


def test_a_well_formed_agreement_is_stored_as_given(own_hub: Served) -> None:
    before = own_hub.rows()
    payload = _create(own_hub, fields={"Footprint": ["status", "total_kgco2e"]}, validUntil="2026-12-31")
    assert payload["errors"] == []
    assert payload["sharingAgreement"]["recordKinds"] == ["Footprint", "Product"]
    assert payload["sharingAgreement"]["statuses"] == ["published"]
    after = own_hub.rows()
    assert after["sharing_agreement"] == before["sharing_agreement"] + 1

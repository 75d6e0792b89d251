"""A caller may filter only by what it may read: a filter on a hidden field would tell, by which rows come
back, what the field holds. Each filter of the footprint and emission-factor searches is refused, naming
the kind and field, for a caller whose grants do not all show that field; over real HTTP.

The narrowing comes from the policy (the public reads no footprint) and from a sharing agreement: the
regulator grants the GBA platform a second agreement that names only a footprint's total and product, and
a product's name. A filter must hold under every grant the caller has, so from then on the GBA platform
may no longer filter by status, category, owner, region, period or grade, while YRD still may.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.auth.principal import Role
from tests.api.conftest import Live, live  # noqa: F401 (the module's live hub over real HTTP)
from tests.api.fixtures import gql, token

FOOTPRINTS = "query($f: FootprintFilter) { footprints(first: 5, filter: $f) { totalCount edges { node { id } } } }"
FACTORS = (
    "query($f: EmissionFactorFilter) { emissionFactors(first: 5, filter: $f) { totalCount edges { node { id } } } }"
)
NARROW = """mutation($i: SharingAgreementInput!) { createSharingAgreement(input: $i) {
  sharingAgreement { id } errors { path reason } } }"""

# filter -> the refusal it earns from a caller whose grants do not all show the field it tests
FOOTPRINT_FILTERS: dict[str, tuple[dict[str, Any], str]] = {
    "status": ({"statuses": ["published"]}, "Footprint records by status"),
    "category": ({"categoryCodes": ["KP-46"]}, "Product records by category"),
    "owner": ({"owners": ["https://zj.cfhub.example.org/id/org/zj-battery"]}, "Product records by owner"),
    "owner region": ({"ownerRegions": ["ZJ"]}, "Product records by owner"),
    "period": ({"periodFrom": "2024-01-01"}, "Footprint records by reference_period_start"),
    "grade": ({"grades": ["A"]}, "Footprint records by grade"),
}


def ask(live: Live, query: str, role: Role, variables: dict[str, Any], org: str | None = None) -> dict[str, Any]:  # noqa: F811
    response = gql(live.client, query, token(live.hub, role, org), variables)
    assert response.status_code == 200, response.text
    return dict(response.json())


def refusal(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    if not errors:
        return None
    [error] = errors
    assert error["extensions"]["code"] == "FORBIDDEN", error
    assert body["data"] is None or body["data"].get("footprints", body["data"].get("emissionFactors")) is None
    return str(error["message"])


@pytest.fixture(scope="module", autouse=True)
def narrowing_agreement(live: Live) -> None:  # noqa: F811
    body = ask(
        live,
        NARROW,
        Role.REGULATOR,
        {
            "i": {
                "region": "GBA",
                "title": "GBA totals only (test)",
                "recordKinds": ["Footprint", "Product"],
                "statuses": ["published"],
                "fields": {"Footprint": ["total_kgco2e", "product"], "Product": ["name"]},
                "validFrom": "2020-01-01",
            }
        },
    )
    assert body["data"]["createSharingAgreement"]["errors"] == [], body


# The public reads footprints behind a label page only (policy `label_page_footprint`, docs/labels-public.md):
# it may filter them by what that page shows (status, owner, period, the product's category, which the page
# links to its category page) and by nothing else.
PUBLIC_MAY_FILTER = {"status", "owner", "owner region", "period", "category"}


@pytest.mark.parametrize("name", list(FOOTPRINT_FILTERS))
def test_the_public_filters_footprints_only_by_what_a_label_page_shows(live: Live, name: str) -> None:  # noqa: F811
    variables, _ = FOOTPRINT_FILTERS[name]
    if name in PUBLIC_MAY_FILTER:  # without totalCount: the public may not count footprints
        body = ask(live, FOOTPRINTS.replace("totalCount ", ""), Role.PUBLIC, {"f": variables})
        assert "errors" not in body and body["data"]["footprints"] is not None
        return
    message = refusal(ask(live, FOOTPRINTS, Role.PUBLIC, {"f": variables}))
    if name == "grade":
        assert message == "role public may not filter Footprint records by grade"
    else:
        assert message is not None and message.startswith("role public may not filter ")


@pytest.mark.parametrize("name", list(FOOTPRINT_FILTERS))
def test_a_narrowing_agreement_takes_away_the_filter(live: Live, name: str) -> None:  # noqa: F811
    variables, what = FOOTPRINT_FILTERS[name]
    # a product's category or owner is tested through the footprint's `product`, which the narrow agreement
    # shows: the product's own fields are what it hides
    message = refusal(ask(live, FOOTPRINTS, Role.REGIONAL_PLATFORM, {"f": variables}, "gba-platform"))
    assert message == f"role regional_platform may not filter {what}"


@pytest.mark.parametrize("name", list(FOOTPRINT_FILTERS))
def test_a_platform_with_wide_agreements_may_filter(live: Live, name: str) -> None:  # noqa: F811
    variables, _ = FOOTPRINT_FILTERS[name]
    body = ask(live, FOOTPRINTS, Role.REGIONAL_PLATFORM, {"f": variables}, "yrd-platform")
    assert refusal(body) is None
    assert body["data"]["footprints"]["totalCount"] >= 0


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.INTERNATIONAL_BODY, Role.VERIFIER, Role.REGULATOR])
def test_roles_that_read_every_filtered_field_may_filter(live: Live, role: Role) -> None:  # noqa: F811
    for name, (variables, _) in FOOTPRINT_FILTERS.items():
        assert refusal(ask(live, FOOTPRINTS, role, {"f": variables})) is None, name


def test_without_a_filter_the_narrowed_platform_still_reads(live: Live) -> None:  # noqa: F811
    body = ask(live, FOOTPRINTS, Role.REGIONAL_PLATFORM, {"f": None}, "gba-platform")
    assert refusal(body) is None and body["data"]["footprints"]["totalCount"] > 0


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"activity": "steel"}, "activity_name"),
        ({"regions": ["CN"]}, "region"),
        ({"years": [2020]}, "reference_year"),
        ({"units": ["kg"]}, "unit"),
    ],
)
def test_the_public_may_not_filter_emission_factors(live: Live, variables: dict[str, Any], field: str) -> None:  # noqa: F811
    body = ask(live, FACTORS, Role.PUBLIC, {"f": variables})
    assert refusal(body) == f"role public may not filter EmissionFactor records by {field}"
    assert refusal(ask(live, FACTORS, Role.ENTERPRISE, {"f": variables})) is None

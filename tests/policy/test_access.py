"""The policy compiled for a caller: claims, sharing agreements, mutation rules (no database needed)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import sqlite

from hub.auth.principal import PUBLIC, Principal, Role
from hub.policy.access import Access, Agreement, Forbidden
from hub.policy.load import default_policy

BASE = "https://zj.cfhub.example.org/id/"


def sql(expr) -> str:  # type: ignore[no-untyped-def]
    return str(expr.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_public_reads_only_footprints_behind_a_label_page() -> None:
    """The public reads a footprint only where a label page shows it: its label was once issued (it has a
    serial), or it is a published version of such a product; never the inventory's fields."""
    access = Access(default_policy(), PUBLIC)
    assert len(access.grants("Footprint")) == 2
    text = sql(access.where("Footprint"))
    assert "label" in text and "serial IS NOT NULL" in text and "published" in text
    assert not {"comment", "verification_statement", "inventory"} & access.readable_fields("Footprint")
    assert access.grants("InventoryLine") == []


def test_enterprise_footprint_filter_names_the_caller() -> None:
    access = Access(default_policy(), Principal(Role.ENTERPRISE, BASE + "org/zj-battery", "ZJ"))
    text = sql(access.where("Footprint"))
    assert "org/zj-battery" in text and "published" in text


def test_shared_grants_come_from_agreements_and_narrow_fields() -> None:
    agreement = Agreement(
        iri="urn:a",
        kinds=frozenset({"Footprint"}),
        statuses=("published",),
        fields={"Footprint": frozenset({"status"})},
    )
    platform = Principal(Role.REGIONAL_PLATFORM, BASE + "org/yrd-platform", "YRD")
    with_agreement = Access(default_policy(), platform, [agreement])
    assert [g.fields for g in with_agreement.grants("Footprint")] == [frozenset({"status"})]
    assert with_agreement.grants("InventoryLine") == []
    without = Access(default_policy(), platform, [])
    assert without.grants("Footprint") == []


def test_mutation_rules() -> None:
    verifier = Access(default_policy(), Principal(Role.VERIFIER, BASE + "org/cert-accredited", "ZJ"))
    assert "cert-accredited" in sql(verifier.mutation_check("verifyFootprint"))
    with pytest.raises(Forbidden, match="verifier may not run mutation publishFootprint"):
        verifier.mutation_check("publishFootprint")

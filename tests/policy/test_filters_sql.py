"""Every kind of row filter the policy language has, compiled to SQL and run on the demo data, selects
exactly the rows an independent reading of the filter (tests/api/policy_oracle.py) selects: equality,
membership, `ne`, booleans, `any`, conjunctions, each claim, a caller without the claim, and sharing
agreements (their kinds, statuses and the grant's own filter). The shipped policy uses only some of
these; a policy change may use any, so each is proven here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from hub.auth.principal import Principal, Role
from hub.db import models as m
from hub.db.engine import make_engine
from hub.policy.access import Access, Agreement, active
from hub.policy.catalog import KINDS
from hub.policy.load import default_policy
from hub.policy.model import Grant, Policy
from tests.api.policy_oracle import Caller, _matches

BASE = "https://zj.cfhub.example.org/id/"

PROBES = {
    "Footprint": """SELECT f.iri AS key, p.owner_id AS owner, o.region AS owner_region, f.status,
        f.verifier_id AS verifier FROM footprint f JOIN product p ON p.id = f.product_id
        JOIN organization o ON o.id = p.owner_id""",
    "Product": """SELECT p.iri AS key, p.owner_id AS owner, o.region AS owner_region, EXISTS (SELECT 1 FROM footprint f
        WHERE f.product_id = p.id AND f.status = 'published') AS has_published_footprint
        FROM product p JOIN organization o ON o.id = p.owner_id""",
    "Organization": "SELECT iri AS key, id, kind, region FROM organization",
    "Decision": """SELECT d.iri AS key, d.jurisdiction, p.owner_id AS owner, f.status AS footprint_status,
        f.verifier_id AS footprint_verifier FROM decision d JOIN footprint f ON f.id = d.footprint_id
        JOIN product p ON p.id = f.product_id""",
    "AuditEvent": "SELECT id AS key, actor FROM audit_event",
}
KEYS = {
    "Footprint": m.Footprint.iri,
    "Product": m.Product.iri,
    "Organization": m.Organization.iri,
    "Decision": m.Decision.iri,
    "AuditEvent": m.AuditEvent.id,
}

CALLERS = {
    "enterprise": Principal(Role.ENTERPRISE, BASE + "org/zj-battery", "ZJ"),
    "verifier": Principal(Role.VERIFIER, BASE + "org/cert-accredited", "ZJ"),
    "platform": Principal(Role.REGIONAL_PLATFORM, BASE + "org/yrd-platform", "YRD"),
    "public": Principal(Role.PUBLIC),
}

CASES: list[tuple[str, dict[str, Any]]] = [
    ("Footprint", {}),
    ("Footprint", {"status": "published"}),
    ("Footprint", {"status": ["published", "verified"]}),
    ("Footprint", {"status": {"ne": "published"}}),
    ("Footprint", {"owner": "caller.org"}),
    ("Footprint", {"owner": {"ne": "caller.org"}}),
    ("Footprint", {"owner": ["caller.org"]}),
    ("Footprint", {"owner_region": "caller.region"}),
    ("Footprint", {"verifier": "caller.org"}),
    ("Footprint", {"status": "published", "owner": "caller.org"}),
    ("Footprint", {"any": [{"status": "published"}, {"owner": "caller.org"}]}),
    ("Footprint", {"any": [{"status": "draft", "owner": {"ne": "caller.org"}}, {"status": "verified"}]}),
    ("Product", {"has_published_footprint": True}),
    ("Product", {"has_published_footprint": False}),
    ("Product", {"owner": "caller.org", "has_published_footprint": True}),
    ("Product", {"owner_region": "caller.region"}),
    ("Decision", {"owner": "caller.org"}),
    ("Decision", {"footprint_status": ["published", "verified"]}),
    ("Decision", {"footprint_verifier": "caller.org"}),
    ("Decision", {"jurisdiction": "YRD"}),
    ("Organization", {"id": "caller.org"}),
    ("Organization", {"region": "caller.region"}),
    ("Organization", {"region": {"ne": "caller.region"}}),
    ("Organization", {"kind": ["enterprise", "verifier"]}),
    ("AuditEvent", {"actor": "caller.org_iri"}),
    ("AuditEvent", {"actor": {"ne": "caller.org_iri"}}),
]


@pytest.fixture(scope="module")
def engine(templates: Any) -> Iterator[Engine]:
    from tests import databases

    url = templates.fresh("demo", databases.with_demo)
    e = make_engine(url)
    with e.begin() as conn:  # a verifier on some submitted and verified footprints, so `verifier` selects some
        conn.execute(
            text(
                "UPDATE footprint SET verifier_id = (SELECT id FROM organization WHERE iri = :v) "
                "WHERE status IN ('submitted', 'verified') AND id % 2 = 0"
            ),
            {"v": BASE + "org/cert-accredited"},
        )
    yield e
    e.dispose()


def caller(engine: Engine, principal: Principal) -> Caller:
    with engine.connect() as conn:
        org_id = conn.execute(text("SELECT id FROM organization WHERE iri = :i"), {"i": principal.org_iri}).scalar()
    return Caller(principal, org_id)


def probes(engine: Engine, kind: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(PROBES[kind]))]


def with_grant(kind: str, role: str, *grants: Grant) -> Policy:
    policy = default_policy()
    return replace(policy, grants={**policy.grants, kind: {**policy.grants[kind], role: grants}})


def selected(engine: Engine, access: Access, kind: str) -> set[Any]:
    with engine.connect() as conn:
        return set(conn.scalars(select(KEYS[kind]).where(access.where(kind))))


@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize(("kind", "rows"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_a_filter_selects_what_the_oracle_selects(engine: Engine, who: str, kind: str, rows: dict[str, Any]) -> None:
    principal = CALLERS[who]
    policy = with_grant(kind, principal.role.value, Grant(rows, frozenset(KINDS[kind].fields), True))
    c = caller(engine, principal)
    expected = {p["key"] for p in probes(engine, kind) if _matches(rows, p, c)}
    assert selected(engine, Access(policy, principal), kind) == expected


@pytest.mark.parametrize(("kind", "rows"), CASES[1:], ids=[f"{k}-{r}" for k, r in CASES[1:]])
def test_each_filter_separates_the_demo_rows(engine: Engine, kind: str, rows: dict[str, Any]) -> None:
    """For the enterprise (the verifier for `verifier`), every case but {} selects some rows and leaves
    some: otherwise a mutant that selected all or nothing would pass the comparison above."""
    c = caller(engine, CALLERS["verifier" if any("verifier" in k for k in rows) else "enterprise"])
    matches = [_matches(rows, p, c) for p in probes(engine, kind)]
    assert any(matches) and not all(matches)


def test_two_grants_give_the_union_of_their_rows(engine: Engine) -> None:
    principal = CALLERS["enterprise"]
    fields = frozenset(KINDS["Footprint"].fields)
    both = with_grant(
        "Footprint", "enterprise", Grant({"status": "verified"}, fields), Grant({"status": "draft"}, fields)
    )
    statuses = {p["key"]: p["status"] for p in probes(engine, "Footprint")}
    got = selected(engine, Access(both, principal), "Footprint")
    assert got == {k for k, s in statuses.items() if s in ("verified", "draft")}


# -- shared grants: sharing agreements ---------------------------------------------------------------


def every_field(*kinds: str) -> dict[str, frozenset[str]]:
    """An agreement's field map naming every field of `kinds` (an empty map grants nothing)."""
    return {kind: frozenset(KINDS[kind].fields) for kind in kinds}


def shared_policy(kind: str, rows: dict[str, Any]) -> Policy:
    return with_grant(kind, "regional_platform", Grant({"shared": True, **rows}, frozenset(KINDS[kind].fields), True))


def test_an_agreement_s_statuses_and_the_grant_s_own_filter_both_hold(engine: Engine) -> None:
    policy = shared_policy("Footprint", {"status": ["published", "verified", "draft"]})
    other = Agreement("urn:a:other", frozenset({"Product"}), ("draft",), every_field("Product"))
    agreement = Agreement("urn:a:fp", frozenset({"Footprint"}), ("published", "submitted"), every_field("Footprint"))
    access = Access(policy, CALLERS["platform"], [other, agreement])
    statuses = {p["key"]: p["status"] for p in probes(engine, "Footprint")}
    assert selected(engine, access, "Footprint") == {k for k, s in statuses.items() if s == "published"}
    assert len(access.grants("Footprint")) == 1  # the agreement that does not cover footprints grants none


@pytest.mark.parametrize("kind", ["Product", "Decision"])
def test_an_agreement_s_statuses_restrict_kinds_that_follow_a_footprint(engine: Engine, kind: str) -> None:
    """A product is shared when one of its footprints has a shared status; a decision when its footprint has."""
    policy = shared_policy(kind, {})
    agreement = Agreement("urn:a", frozenset({kind}), ("verified", "submitted"), every_field(kind))
    access = Access(policy, CALLERS["platform"], [agreement])
    rows = probes(engine, kind)
    if kind == "Decision":
        expected = {p["key"] for p in rows if p["footprint_status"] in ("verified", "submitted")}
    else:
        with engine.connect() as conn:
            expected = set(
                conn.scalars(
                    text(
                        "SELECT DISTINCT p.iri FROM product p JOIN footprint f ON f.product_id = p.id "
                        "WHERE f.status IN ('verified', 'submitted')"
                    )
                )
            )
    assert expected and len(expected) < len(rows)
    assert selected(engine, access, kind) == expected


@pytest.mark.parametrize(
    ("statuses", "fields"),
    [((), every_field("Footprint")), (("published",), {}), ((), {})],
    ids=["statuses", "fields", "both"],
)
def test_an_agreement_that_lists_nothing_grants_nothing(
    engine: Engine, statuses: tuple[str, ...], fields: dict[str, frozenset[str]]
) -> None:
    """Fail closed (issue 9 item 4): no statuses or no fields is not "every status" or "every field"."""
    policy = shared_policy("Footprint", {})
    access = Access(policy, CALLERS["platform"], [Agreement("urn:a", frozenset({"Footprint"}), statuses, fields)])
    assert selected(engine, access, "Footprint") == set()


def test_statuses_do_not_apply_to_a_kind_without_a_status(engine: Engine) -> None:
    policy = shared_policy("Organization", {"kind": "enterprise"})
    agreement = Agreement("urn:a", frozenset({"Organization"}), ("published",), every_field("Organization"))
    access = Access(policy, CALLERS["platform"], [agreement])
    assert selected(engine, access, "Organization") == {
        p["key"] for p in probes(engine, "Organization") if p["kind"] == "enterprise"
    }


def test_each_agreement_is_its_own_grant_with_its_own_fields() -> None:
    policy = shared_policy("Footprint", {})
    narrow = Agreement("urn:a:1", frozenset({"Footprint"}), ("published",), {"Footprint": frozenset({"status"})})
    wide = Agreement("urn:a:2", frozenset({"Footprint"}), ("verified",), every_field("Footprint"))
    access = Access(policy, CALLERS["platform"], [narrow, wide])
    assert [g.fields for g in access.grants("Footprint")] == [
        frozenset({"status"}),
        frozenset(KINDS["Footprint"].fields),
    ]
    assert access.readable_fields("Footprint") == frozenset(KINDS["Footprint"].fields)


def test_a_shared_filter_outside_a_grant_grants_nothing(engine: Engine) -> None:
    policy = default_policy()
    rule = policy.mutations["publishFootprint"]
    policy = replace(
        policy,
        mutations={**policy.mutations, "publishFootprint": replace(rule, checks={"regulator": {"shared": True}})},
    )
    access = Access(policy, Principal(Role.REGULATOR, BASE + "org/zj-regulator", "ZJ"))
    with engine.connect() as conn:
        assert conn.scalar(select(m.Footprint.id).where(access.mutation_check("publishFootprint"))) is None


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "today", "is_active"),
    [
        ("2025-01-01", None, "2025-01-01", True),
        ("2025-01-01", None, "2024-12-31", False),
        ("2025-01-01", "2025-06-30", "2025-06-30", True),
        ("2025-01-01", "2025-06-30", "2025-07-01", False),
        ("2025-01-01", "2025-06-30", "2024-12-31", False),
    ],
)
def test_an_agreement_is_active_from_its_first_to_its_last_day(
    valid_from: str, valid_until: str | None, today: str, is_active: bool
) -> None:
    from datetime import date

    until = date.fromisoformat(valid_until) if valid_until else None
    assert active(date.fromisoformat(valid_from), until, date.fromisoformat(today)) is is_active

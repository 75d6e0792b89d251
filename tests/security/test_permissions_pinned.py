"""The loaded policy grants exactly what the reviewed table (tests/security/permissions_table.py) says.

Widening a grant in `policy/policy.yaml` (a field, a row filter, counts, a mutation) fails here, naming
each difference, until the table is updated on purpose. The compiled policy (hub/policy/access.py) is
held to the same table, so a slip in compiling a grant fails too.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.auth.principal import Principal, Role
from hub.domain.codes import FootprintStatus
from hub.policy.access import Access, Agreement, Forbidden
from hub.policy.catalog import KINDS
from hub.policy.load import default_path, load_policy
from hub.policy.model import MinimumGroup, Policy
from tests.security.permissions_table import ALL, EVERY_FIELD, MUTATIONS, READS, Reach

BASE = "https://zj.cfhub.example.org/id/"
ROLES = [r.value for r in Role]


@pytest.fixture
def policy() -> Policy:
    """Loaded afresh for each test (not cached), so that each test exercises the loader."""
    return load_policy(default_path())


def pinned_fields(kind: str, reach: Reach) -> frozenset[str]:
    return frozenset(EVERY_FIELD[kind] if reach.fields == ALL else reach.fields)


def describe(kind: str, reach: Reach) -> tuple[str, bool, frozenset[str]]:
    return (repr(sorted(reach.rows.items())), reach.aggregate, pinned_fields(kind, reach))


def read_differences(policy: Policy) -> list[str]:
    found: list[str] = []
    for kind in sorted(set(policy.grants) | set(READS)):
        if kind not in READS:
            found.append(f"{kind}: the policy covers a kind the table does not")
            continue
        if kind not in policy.grants:
            found.append(f"{kind}: the table pins a kind the policy does not cover")
            continue
        for role in ROLES:
            found.extend(_role_differences(kind, role, policy.grants[kind].get(role, ()), READS[kind].get(role)))
    return found


def _role_differences(kind: str, role: str, grants: Any, pinned: tuple[Reach, ...] | None) -> list[str]:
    if pinned is None:
        return [f"{kind}/{role}: not in the table"]
    actual = [(repr(sorted(g.rows.items())), g.aggregate, g.fields) for g in grants]
    expected = [describe(kind, r) for r in pinned]
    found: list[str] = []
    for rows, aggregate, fields in actual:
        match = [e for e in expected if e[0] == rows]
        if not match:
            found.append(f"{kind}/{role}: the policy grants rows {rows} the table does not")
            continue
        _, want_aggregate, want_fields = match[0]
        if wider := sorted(fields - want_fields):
            found.append(f"{kind}/{role} rows {rows}: fields beyond the table: {wider}")
        if narrower := sorted(want_fields - fields):
            found.append(f"{kind}/{role} rows {rows}: fields the table pins but the policy lacks: {narrower}")
        if aggregate != want_aggregate:
            found.append(f"{kind}/{role} rows {rows}: aggregate is {aggregate}, the table says {want_aggregate}")
    for rows, _, _ in expected:
        if rows not in [a[0] for a in actual]:
            found.append(f"{kind}/{role}: the table pins rows {rows} the policy no longer grants")
    if len(actual) != len(expected):
        found.append(f"{kind}/{role}: {len(actual)} grants in the policy, {len(expected)} in the table")
    return found


def mutation_differences(policy: Policy) -> list[str]:
    found: list[str] = []
    for role in ROLES:
        actual = {name: rule.checks[role] for name, rule in policy.mutations.items() if role in rule.checks}
        pinned = MUTATIONS.get(role, {})
        for name in sorted(set(actual) - set(pinned)):
            found.append(f"{role} may run {name}, which the table does not grant")
        for name in sorted(set(pinned) - set(actual)):
            found.append(f"{role} may no longer run {name}, which the table grants")
        for name in sorted(set(actual) & set(pinned)):
            if actual[name] != pinned[name]:
                found.append(f"{role} {name}: the target must match {actual[name]}, the table says {pinned[name]}")
    return found


def test_every_field_of_every_kind_is_pinned() -> None:
    """A new field widens every grant of "*": it must be added to the table by hand."""
    found = []
    for kind in sorted(set(KINDS) | set(EVERY_FIELD)):
        actual, pinned = set(KINDS[kind].fields) if kind in KINDS else set(), set(EVERY_FIELD.get(kind, ()))
        if actual != pinned:
            found.append(f"{kind}: new {sorted(actual - pinned)}, gone {sorted(pinned - actual)}")
    assert not found, "\n".join(found)


def test_the_policy_grants_exactly_the_pinned_reads(policy: Policy) -> None:
    found = read_differences(policy)
    assert not found, "policy/policy.yaml differs from tests/security/permissions_table.py:\n" + "\n".join(found)


def test_the_policy_grants_exactly_the_pinned_mutations(policy: Policy) -> None:
    found = mutation_differences(policy)
    assert not found, "policy/policy.yaml differs from tests/security/permissions_table.py:\n" + "\n".join(found)


def test_a_widened_grant_is_named(policy: Policy) -> None:
    """The comparison itself catches a widening: one more field, counts, or a mutation for one more role."""
    from dataclasses import replace

    footprint = dict(policy.grants["Footprint"])
    wider = replace(footprint["international_body"][0], fields=footprint["international_body"][0].fields | {"comment"})
    footprint["international_body"] = (wider,)
    stages = dict(policy.grants["FootprintStage"])
    stages["verifier"] = tuple(replace(g, aggregate=True) for g in stages["verifier"])
    publish = policy.mutations["publishFootprint"]
    widened = replace(
        policy,
        grants={**policy.grants, "Footprint": footprint, "FootprintStage": stages},
        mutations={**policy.mutations, "publishFootprint": replace(publish, checks={**publish.checks, "verifier": {}})},
    )
    reads = read_differences(widened)
    assert any("Footprint/international_body" in d and "'comment'" in d for d in reads), reads
    assert any("FootprintStage/verifier" in d and "aggregate is True" in d for d in reads), reads
    assert mutation_differences(widened) == ["verifier may run publishFootprint, which the table does not grant"]


# -- the compiled policy, per role, against the same table ------------------------------------------

ORGS = {
    "enterprise": ("zj-battery", "ZJ"),
    "regional_platform": ("yrd-platform", "YRD"),
    "international_body": ("intl-body", "INTL"),
    "standards_team": ("zj-standards", "ZJ"),
    "verifier": ("cert-accredited", "ZJ"),
    "regulator": ("zj-regulator", "ZJ"),
}


def principal(role: str) -> Principal:
    if role == "public":
        return Principal(Role.PUBLIC)
    key, region = ORGS[role]
    return Principal(Role(role), f"{BASE}org/{key}", region)


def every_kind_agreement() -> Agreement:
    """Names every kind, every footprint status and every field: it narrows nothing (an empty list would grant
    nothing, tests/policy/test_filters_sql.py)."""
    statuses = tuple(s.value for s in FootprintStatus)
    return Agreement("urn:test:all", frozenset(KINDS), statuses, {k: frozenset(KINDS[k].fields) for k in KINDS})


@pytest.mark.parametrize("role", ROLES)
def test_compiled_fields_and_counts_follow_the_table(policy: Policy, role: str) -> None:
    """With one agreement that names every kind, status and field, a shared grant reads its policy fields."""
    access = Access(policy, principal(role), [every_kind_agreement()])
    for kind, by_role in READS.items():
        pinned = by_role[role]
        fields = frozenset().union(*(pinned_fields(kind, r) for r in pinned)) if pinned else frozenset()
        assert access.readable_fields(kind) == fields, f"{role} {kind}"
        counts = bool(pinned) and all(r.aggregate for r in pinned)
        assert access.may_aggregate(kind) is counts, f"{role} may aggregate {kind}"
        assert len(access.grants(kind)) == len(pinned), f"{role} {kind} grants"


@pytest.mark.parametrize("role", ROLES)
def test_without_an_agreement_a_shared_grant_reads_nothing(policy: Policy, role: str) -> None:
    access = Access(policy, principal(role), [])
    for kind, by_role in READS.items():
        plain = [r for r in by_role[role] if not r.rows.get("shared")]
        fields = frozenset().union(*(pinned_fields(kind, r) for r in plain)) if plain else frozenset()
        assert access.readable_fields(kind) == fields, f"{role} {kind}"


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_s_own_questions_follow_the_table(policy: Policy, role: str) -> None:
    for kind, by_role in READS.items():
        fields = frozenset().union(*(pinned_fields(kind, r) for r in by_role[role])) if by_role[role] else frozenset()
        assert policy.readable_fields(kind, role) == fields, f"{role} {kind}"
    assert {name for name in policy.mutations if policy.may_run(name, role)} == set(MUTATIONS[role])


@pytest.mark.parametrize("role", ROLES)
def test_compiled_mutation_rules_follow_the_table(policy: Policy, role: str) -> None:
    access = Access(policy, principal(role))
    for name in policy.mutations:
        if name in MUTATIONS[role]:
            access.mutation_check(name)
        else:
            with pytest.raises(Forbidden, match=f"role {role} may not run mutation {name}"):
                access.mutation_check(name)


def test_the_minimum_group_is_pinned(policy: Policy) -> None:
    """Aggregates for anyone but the regulator need 5 footprints from 3 enterprises (issue 9 item 15)."""
    assert policy.minimum_group == MinimumGroup(footprints=5, enterprises=3, exempt_roles=frozenset({"regulator"}))


def test_each_aggregate_flag_is_pinned(policy: Policy) -> None:
    """`aggregate` is off unless a grant says so: a grant that leaves it out gives no counts."""
    for kind, by_role in READS.items():
        for role, pinned in by_role.items():
            flags = tuple(g.aggregate for g in policy.grants_for(kind, role))
            assert flags == tuple(r.aggregate for r in pinned), f"{role} {kind}"


@pytest.mark.parametrize(
    ("role", "footprints", "enterprises", "met"),
    [
        ("public", 5, 3, True),
        ("public", 4, 3, False),
        ("public", 5, 2, False),
        ("public", 100, 1, False),
        ("regional_platform", 6, 4, True),
        ("regulator", 1, 1, True),
    ],
)
def test_the_minimum_group_is_met_only_at_both_thresholds(
    policy: Policy, role: str, footprints: int, enterprises: int, met: bool
) -> None:
    assert policy.minimum_group.met(role, footprints, enterprises) is met

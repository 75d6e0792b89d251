"""Issue 9 items 2, 13 and 19, over real HTTP on SQLite and PostgreSQL.

2: twenty createFootprint at once on one product all succeed (never "Unexpected error."), and of twenty new
   versions of one footprint exactly one gets in; the others are told why, on $.supersedes_iri.
13: one label in force per footprint and scheme, also when twenty issueLabel arrive at once; label dates
   outside a plausible range are refused by field, and nothing is written.
19: a footprint's version counts only its own supersedes chain: other footprints of the product, which other
   enterprises may not see, leave no trace in it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Footprint, Label
from hub.domain.codes import FootprintStatus, LabelStatus
from tests.security.lifecycle_world import (
    CREATE_FOOTPRINT,
    ISSUE,
    PUBLISH,
    SUBMIT,
    VERIFY,
    World,
    together,
    world,
)

__all__ = ["world"]

READ_VERSION = "query($f: ID!) { node(id: $f) { ... on Footprint { id version status } } }"


def _labels(w: World, footprint: str) -> list[tuple[str, LabelStatus]]:
    rows = w.rows(
        select(Label.scheme, Label.status)
        .join(Footprint, Footprint.id == Label.footprint_id)
        .where(Footprint.iri == footprint)
    )
    return [(scheme, LabelStatus(status)) for scheme, status in rows]


def _gradable(w: World) -> str:
    """A published demo footprint with no label yet, whose newest label decision passed (so one may be issued)."""
    from hub.db.models import Decision

    newest = (
        select(Decision.footprint_id, func.max(Decision.id).label("id"))
        .where(Decision.kind == "label_grade")
        .group_by(Decision.footprint_id)
        .subquery()
    )
    iri = w.scalar(
        select(Footprint.iri)
        .join(newest, newest.c.footprint_id == Footprint.id)
        .join(Decision, Decision.id == newest.c.id)
        .where(Decision.passed.is_(True), Footprint.status == FootprintStatus.PUBLISHED)
        .where(Footprint.id.not_in(select(Label.footprint_id)))
        .order_by(Footprint.id)
        .limit(1)
    )
    assert iri is not None
    return str(iri)


def test_twenty_footprints_created_at_once_on_one_product_all_succeed(world: World) -> None:
    product = world.new_product("zj-battery")
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    data = world.footprint_data(product)

    payloads = together([lambda: world.payload(owner, CREATE_FOOTPRINT, {"d": data})] * 20)

    assert [p["errors"] for p in payloads] == [[]] * 20
    assert {p["footprint"]["version"] for p in payloads} == {1}, "none supersedes another: each is version 1"
    made = world.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "create"))
    assert made >= 20 and world.audit_chain_ok()


def test_twenty_new_versions_of_one_footprint_at_once_one_gets_in(world: World) -> None:
    product = world.new_product("zj-battery")
    first = world.new_footprint("zj-battery", product)
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    data = world.footprint_data(product, supersedes_iri=first)

    payloads = together([lambda: world.payload(owner, CREATE_FOOTPRINT, {"d": data})] * 20)

    won = [p for p in payloads if not p["errors"]]
    assert [p["footprint"]["version"] for p in won] == [2]
    for p in payloads:
        if p["errors"]:
            assert p["errors"] == [
                {
                    "path": "$.supersedes_iri",
                    "reason": "is superseded already by another footprint; a new version supersedes the newest one",
                }
            ]
    assert world.audit_chain_ok()


def test_twenty_labels_issued_at_once_leave_one_in_force(world: World) -> None:
    footprint = _gradable(world)
    regulator = world.token(Role.REGULATOR, "zj-regulator")
    label = {"expiresOn": "2030-01-01", "scheme": "ZJ-PCF"}
    issues = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "issue")
    before = world.scalar(issues)

    payloads = together([lambda: world.payload(regulator, ISSUE, {"f": footprint, "i": label})] * 20)

    won = [p for p in payloads if not p["errors"]]
    assert len(won) == 1 and won[0]["label"]["status"] == "issued"
    for p in payloads:
        if p["errors"]:
            [error] = p["errors"]
            assert error["path"] == "$.scheme" and "label in force already" in error["reason"], error
    assert _labels(world, footprint) == [("ZJ-PCF", LabelStatus.ISSUED)]
    assert world.scalar(issues) == before + 1


def test_a_second_label_in_one_scheme_is_refused_until_the_first_is_revoked(world: World) -> None:
    footprint = _gradable(world)
    regulator = world.token(Role.REGULATOR, "zj-regulator")
    label = {"expiresOn": "2030-01-01", "scheme": "ZJ-PCF"}
    first = world.payload(regulator, ISSUE, {"f": footprint, "i": label})
    assert first["errors"] == []

    again = world.payload(regulator, ISSUE, {"f": footprint, "i": label})
    assert again["label"] is None
    assert again["errors"] == [
        {
            "path": "$.scheme",
            "reason": f"the footprint has a ZJ-PCF label in force already: {first['label']['id']}; "
            "revoke it before issuing another",
        }
    ]
    other_scheme = world.payload(regulator, ISSUE, {"f": footprint, "i": {**label, "scheme": "ZJ-PCF-EXPORT"}})
    assert other_scheme["errors"] == []

    revoke = 'mutation($l: ID!) { revokeLabel(labelId: $l, reason: "reissue") { errors { path reason } } }'
    assert world.payload(regulator, revoke, {"l": first["label"]["id"]})["errors"] == []
    assert world.payload(regulator, ISSUE, {"f": footprint, "i": label})["errors"] == []
    assert sorted(_labels(world, footprint)) == [
        ("ZJ-PCF", LabelStatus.ISSUED),
        ("ZJ-PCF", LabelStatus.REVOKED),
        ("ZJ-PCF-EXPORT", LabelStatus.ISSUED),
    ]


def test_implausible_label_dates_are_refused_by_field_and_nothing_is_written(world: World) -> None:
    footprint = _gradable(world)
    regulator = world.token(Role.REGULATOR, "zj-regulator")
    events = world.scalar(select(func.count()).select_from(AuditEvent))
    cases = {
        ("1900-01-01", "1900-01-02"): ["$.issued_on", "$.expires_on"],
        ("2199-01-01", "2199-06-01"): ["$.issued_on"],
        (None, "1999-12-31"): ["$.expires_on"],  # issued today, expired long ago
        ("2024-01-01", "2025-01-01"): ["$.expires_on"],  # already expired
        (None, "2199-01-01"): ["$.expires_on"],  # valid for more than ten years
    }
    for (issued, expires), paths in cases.items():
        label = {"expiresOn": expires} | ({"issuedOn": issued} if issued else {})
        refused = world.payload(regulator, ISSUE, {"f": footprint, "i": label})
        assert refused["label"] is None
        assert [e["path"] for e in refused["errors"]] == paths, (issued, expires, refused)
    assert _labels(world, footprint) == []
    assert world.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_published_version_tells_nothing_of_the_products_other_footprints(world: World) -> None:
    product = world.new_product("zj-battery")
    for _ in range(5):  # drafts no other enterprise may see
        world.new_footprint("zj-battery", product)
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    first = world.new_footprint("zj-battery", product)
    second = world.new_footprint("zj-battery", product, supersedes_iri=first)
    verifier, regulator = world.token(Role.VERIFIER, "cert-accredited"), world.token(Role.REGULATOR, "zj-regulator")
    for footprint in (first, second):
        assert world.payload(owner, SUBMIT, {"f": footprint, "v": world.iri("org", "cert-accredited")})["errors"] == []
        assert world.payload(verifier, VERIFY, {"f": footprint})["errors"] == []
        assert world.payload(regulator, PUBLISH, {"f": footprint})["errors"] == []

    other = world.token(Role.ENTERPRISE, "zj-pv")
    seen = {f: world.post(other, READ_VERSION, {"f": f})["data"]["node"] for f in (first, second)}
    assert seen == {
        first: {"id": first, "version": 1, "status": "published"},
        second: {"id": second, "version": 2, "status": "published"},
    }


def test_twenty_suspensions_of_one_label_at_once_one_wins(world: World) -> None:
    """Label transitions are compare-and-set like footprint ones: one suspension, one audit event."""
    footprint = _gradable(world)
    regulator = world.token(Role.REGULATOR, "zj-regulator")
    issued = world.payload(regulator, ISSUE, {"f": footprint, "i": {"expiresOn": "2030-01-01", "scheme": "ZJ-PCF"}})
    assert issued["errors"] == []
    suspend = 'mutation($l: ID!) { suspendLabel(labelId: $l, reason: "review") { errors { path reason } } }'
    events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "status:suspended")
    before = world.scalar(events)

    payloads = together([lambda: world.payload(regulator, suspend, {"l": issued["label"]["id"]})] * 20)

    assert sum(not p["errors"] for p in payloads) == 1
    for p in payloads:
        if p["errors"]:
            [error] = p["errors"]
            assert error["path"] == "$.status", error
    assert _labels(world, footprint) == [("ZJ-PCF", LabelStatus.SUSPENDED)]
    assert world.scalar(events) == before + 1

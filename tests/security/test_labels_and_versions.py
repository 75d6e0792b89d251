"""Issue 9 items 2, 13 and 19, over real HTTP on SQLite and PostgreSQL.

2: twenty createFootprint at once on one product all succeed (never "Unexpected error."), and of twenty new
   versions of one footprint exactly one gets in; the others are told why, on $.supersedes_iri.
13: one label in force per footprint and scheme, also when twenty applications arrive at once (label dates and
   twenty steps at once: tests/labels/test_life.py).
19: a footprint's version counts only its own supersedes chain: other footprints of the product, which other
   enterprises may not see, leave no trace in it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Footprint, Label, Organization, Product
from hub.domain.codes import FootprintStatus, LabelStatus
from tests.security.lifecycle_world import (
    APPLY,
    CREATE_FOOTPRINT,
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


def _owner(w: World, footprint: str) -> str:
    """The organization key of the footprint's owner (its IRI's last segment)."""
    iri = w.scalar(
        select(Organization.iri)
        .join(Product, Product.owner_id == Organization.id)
        .join(Footprint, Footprint.product_id == Product.id)
        .where(Footprint.iri == footprint)
    )
    return str(iri).rsplit("/", 1)[1]


def test_twenty_applications_at_once_leave_one_label_in_force(world: World) -> None:
    footprint = _gradable(world)
    owner = world.token(Role.ENTERPRISE, _owner(world, footprint))
    application = {"certifierId": world.iri("org", "cert-accredited"), "scheme": "ZJ-PCF"}
    applications = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "label:apply")
    before = world.scalar(applications)

    payloads = together([lambda: world.payload(owner, APPLY, {"f": footprint, "i": application})] * 20)

    won = [p for p in payloads if not p["errors"]]
    assert len(won) == 1 and won[0]["label"]["status"] == "applied"
    for p in payloads:
        if p["errors"]:
            [error] = p["errors"]
            assert error["path"] == "$.scheme" and "label in force already" in error["reason"], error
    assert _labels(world, footprint) == [("ZJ-PCF", LabelStatus.APPLIED)]
    assert world.scalar(applications) == before + 1


def test_a_second_label_in_one_scheme_is_refused_until_the_first_ends(world: World) -> None:
    footprint = _gradable(world)
    owner = world.token(Role.ENTERPRISE, _owner(world, footprint))
    certifier = world.token(Role.VERIFIER, "cert-accredited")
    application = {"certifierId": world.iri("org", "cert-accredited"), "scheme": "ZJ-PCF"}
    first = world.payload(owner, APPLY, {"f": footprint, "i": application})
    assert first["errors"] == []

    again = world.payload(owner, APPLY, {"f": footprint, "i": application})
    assert again["label"] is None
    assert again["errors"] == [
        {
            "path": "$.scheme",
            "reason": f"the footprint has a ZJ-PCF label in force already: {first['label']['id']}; "
            "it must end before another is applied for",
        }
    ]
    other_scheme = world.payload(owner, APPLY, {"f": footprint, "i": {**application, "scheme": "ZJ-PCF-EXPORT"}})
    assert other_scheme["errors"] == []

    refuse = 'mutation($l: ID!) { refuseLabel(labelId: $l, statement: "Wrong unit.") { errors { path reason } } }'
    assert world.payload(certifier, refuse, {"l": first["label"]["id"]})["errors"] == []
    assert world.payload(owner, APPLY, {"f": footprint, "i": application})["errors"] == []
    assert sorted(_labels(world, footprint)) == [
        ("ZJ-PCF", LabelStatus.APPLIED),
        ("ZJ-PCF", LabelStatus.REFUSED),
        ("ZJ-PCF-EXPORT", LabelStatus.APPLIED),
    ]


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

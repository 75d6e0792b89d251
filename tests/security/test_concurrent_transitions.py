"""Issue 9 item 1: concurrent transitions of one footprint. Of the callers released together exactly one wins;
the others are told the status the winner left (a field error on $.status), and write nothing: one audit event,
one set of decisions, and the database says what the winner was told. Over real HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Decision, Footprint, Organization
from hub.domain.codes import FootprintStatus
from tests.security.lifecycle_world import PUBLISH, SUBMIT, VERIFY, WITHDRAW, World, together, world

__all__ = ["world"]


def _events(w: World, footprint: str, action: str) -> list[AuditEvent]:
    chosen = select(AuditEvent).where(AuditEvent.record_iri == footprint, AuditEvent.action == action)
    return w.rows(chosen.order_by(AuditEvent.id))


def _decisions(w: World, footprint: str) -> list[tuple[str, str]]:
    rows = w.rows(
        select(Decision.kind, Decision.jurisdiction)
        .join(Footprint, Footprint.id == Decision.footprint_id)
        .where(Footprint.iri == footprint)
        .order_by(Decision.id)
    )
    return [(kind, str(jurisdiction)) for kind, jurisdiction in rows]


def _split(payloads: list[dict]) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    won = [p for p in payloads if p["errors"] == []]
    lost = [p for p in payloads if p["errors"] != []]
    return won, lost


def test_twenty_verifications_of_one_footprint_one_wins(world: World) -> None:
    footprint = world.footprint_of("zj-battery", FootprintStatus.SUBMITTED)
    before = _decisions(world, footprint)
    verifier = world.token(Role.VERIFIER, "cert-accredited")

    payloads = together([lambda: world.payload(verifier, VERIFY, {"f": footprint})] * 20)

    won, lost = _split(payloads)
    assert [p["footprint"] for p in won] == [{"status": "verified"}]
    assert len(lost) == 19
    for p in lost:
        assert p["footprint"] is None
        [error] = p["errors"]
        assert error["path"] == "$.status" and error["reason"].startswith("is verified"), error
    assert world.status(footprint) is FootprintStatus.VERIFIED
    assert len(_events(world, footprint, "status:verified")) == 1
    made = _decisions(world, footprint)[len(before) :]
    assert made and len(made) == len(set(made)), "one set of decisions, each kind once"
    assert world.audit_chain_ok()


def test_publish_and_withdraw_released_together_agree_with_the_database(world: World) -> None:
    regulator = world.token(Role.REGULATOR, "zj-regulator")
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    for _trial in range(4):
        footprint = world.verified_footprint("zj-battery")
        published, withdrawn = together(
            [
                lambda f=footprint: world.payload(regulator, PUBLISH, {"f": f}),  # type: ignore[misc]
                lambda f=footprint: world.payload(owner, WITHDRAW, {"f": f}),  # type: ignore[misc]
            ]
        )
        won, lost = _split([published, withdrawn])
        moves = [e.action for e in _events(world, footprint, "status:published")] + [
            e.action for e in _events(world, footprint, "status:withdrawn")
        ]
        if len(won) == 2:
            # not a race after all: the withdrawal came after the publication had committed, and
            # published -> withdrawn is allowed; each was told the truth, in that order
            assert moves == ["status:published", "status:withdrawn"]
            assert world.status(footprint) is FootprintStatus.WITHDRAWN
            continue
        assert len(won) == 1 and len(lost) == 1, (published, withdrawn)
        told = FootprintStatus(won[0]["footprint"]["status"])
        assert world.status(footprint) is told
        [error] = lost[0]["errors"]
        assert error["path"] == "$.status" and error["reason"].startswith(f"is {told.value}"), error
        assert moves == [f"status:{told.value}"]
    assert world.audit_chain_ok()


def test_ten_submissions_to_each_of_two_verifiers_one_wins(world: World) -> None:
    footprint = world.footprint_of("zj-materials", FootprintStatus.DRAFT)
    owner = world.token(Role.ENTERPRISE, "zj-materials")
    verifiers = [world.iri("org", "cert-accredited"), world.iri("org", "consult-unaccredited")]
    calls = [
        lambda v=verifier: world.payload(owner, SUBMIT, {"f": footprint, "v": v})  # type: ignore[misc]
        for verifier in verifiers
        for _ in range(10)
    ]

    won, lost = _split(together(calls))

    assert len(won) == 1 and len(lost) == 19
    assigned = won[0]["footprint"]["verifier"]["id"]
    stored = world.scalar(
        select(Organization.iri)
        .join(Footprint, Footprint.verifier_id == Organization.id)
        .where(Footprint.iri == footprint)
    )
    [event] = _events(world, footprint, "status:submitted")
    assert stored == assigned == event.detail["verifier"]
    assert world.status(footprint) is FootprintStatus.SUBMITTED
    assert all(p["errors"][0]["path"] == "$.status" for p in lost)

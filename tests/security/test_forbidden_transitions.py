"""Every footprint transition the life cycle forbids is refused through the API with a field error on $.status,
and nothing is written; a submission to an organization that is not a verifier is refused on $.verifier_id.
(Issue 9, "Tests that catch bugs": no forbidden transition was tried through the API.)
"""

from __future__ import annotations

from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Decision
from hub.domain.codes import FootprintStatus
from hub.domain.lifecycle import TRANSITIONS
from tests.security.lifecycle_world import PUBLISH, REJECT, SUBMIT, VERIFY, WITHDRAW, World, world

__all__ = ["world"]

# Which mutation asks for which status, and who may call it on the footprint at hand.
ASKS = {
    FootprintStatus.SUBMITTED: (SUBMIT, Role.ENTERPRISE),
    FootprintStatus.VERIFIED: (VERIFY, Role.VERIFIER),
    FootprintStatus.DRAFT: (REJECT, Role.VERIFIER),
    FootprintStatus.PUBLISHED: (PUBLISH, Role.REGULATOR),
    FootprintStatus.WITHDRAWN: (WITHDRAW, Role.REGULATOR),
}
ORGS = {Role.ENTERPRISE: "zj-battery", Role.VERIFIER: "cert-accredited", Role.REGULATOR: "zj-regulator"}


def _at(w: World, status: FootprintStatus) -> str:
    """A footprint of zj-battery with cert-accredited as its verifier, taken through the API to `status`."""
    owner, verifier = w.token(Role.ENTERPRISE, "zj-battery"), w.token(Role.VERIFIER, "cert-accredited")
    regulator = w.token(Role.REGULATOR, "zj-regulator")
    footprint = w.new_footprint("zj-battery", w.new_product("zj-battery"))
    steps = {
        FootprintStatus.DRAFT: [],
        FootprintStatus.SUBMITTED: [(owner, SUBMIT)],
        FootprintStatus.VERIFIED: [(owner, SUBMIT), (verifier, VERIFY)],
        FootprintStatus.PUBLISHED: [(owner, SUBMIT), (verifier, VERIFY), (regulator, PUBLISH)],
        FootprintStatus.WITHDRAWN: [(owner, SUBMIT), (regulator, WITHDRAW)],
    }[status]
    # a draft the verifier may act on: submitted, then rejected back to draft
    if status is FootprintStatus.DRAFT:
        steps = [(owner, SUBMIT), (verifier, REJECT)]
    for token, query in steps:
        payload = w.payload(token, query, {"f": footprint, "v": w.iri("org", "cert-accredited")})
        assert payload["errors"] == [], payload
    assert w.status(footprint) is status
    return footprint


def _writes(w: World) -> tuple[int, int]:
    events = w.scalar(select(func.count()).select_from(AuditEvent))
    decisions = w.scalar(select(func.count()).select_from(Decision))
    return events, decisions


def test_every_forbidden_transition_is_refused_on_status_and_writes_nothing(world: World) -> None:
    tried = 0
    for current in FootprintStatus:
        footprint = _at(world, current)
        for new, (query, role) in ASKS.items():
            if new in TRANSITIONS[current]:
                continue
            before = _writes(world)
            token = world.token(role, ORGS[role])
            payload = world.payload(token, query, {"f": footprint, "v": world.iri("org", "cert-accredited")})
            assert payload["footprint"] is None, (current, new, payload)
            assert payload["errors"] == [
                {"path": "$.status", "reason": f"is {current.value}; cannot go from {current.value} to {new.value}"}
            ], (current, new)
            assert world.status(footprint) is current and _writes(world) == before
            tried += 1
    assert tried == 5 * 5 - sum(len(allowed) for allowed in TRANSITIONS.values())


def test_a_submission_to_an_organization_that_is_not_a_verifier_is_refused(world: World) -> None:
    footprint = world.new_footprint("zj-battery", world.new_product("zj-battery"))
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    before = _writes(world)
    not_a_verifier = world.iri("org", "zj-pv")
    payload = world.payload(owner, SUBMIT, {"f": footprint, "v": not_a_verifier})
    assert payload == {
        "footprint": None,
        "errors": [{"path": "$.verifier_id", "reason": f"{not_a_verifier} is not a verifier"}],
    }
    assert world.status(footprint) is FootprintStatus.DRAFT and _writes(world) == before

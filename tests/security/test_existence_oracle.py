"""Issue 9 item 14: an IRI in the input that names a record the caller may not read gets the same answer as
one that names nothing, so no answer tells whether a hidden record exists. Over real HTTP.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Footprint
from hub.domain.codes import FootprintStatus
from tests.security.lifecycle_world import CREATE_FOOTPRINT, SUBMIT, VERIFY, World, world

__all__ = ["world"]


def _answers(w: World, token: str, query: str, variables: dict[str, Any], hidden: str, made_up: str) -> list[Any]:
    """The payloads for the hidden and the made-up IRI, with each IRI replaced by a placeholder."""
    answers = []
    for iri in (hidden, made_up):
        payload = w.payload(token, query, {k: iri if v == "IRI" else v for k, v in variables.items()})
        answers.append(_without(payload, iri))
    return answers


def _without(value: Any, iri: str) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, iri) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, iri) for v in value]
    return value.replace(iri, "IRI") if isinstance(value, str) else value


def test_a_new_version_of_another_enterprises_draft_is_answered_as_of_nothing(world: World) -> None:
    hidden = world.footprint_of("zj-materials", FootprintStatus.DRAFT)
    made_up = world.iri("footprint", "00000000-0000-4000-8000-000000000000")
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    data = world.footprint_data(world.new_product("zj-battery"))
    events = world.scalar(select(func.count()).select_from(AuditEvent))
    answers = []
    for iri in (hidden, made_up):
        payload = world.payload(owner, CREATE_FOOTPRINT, {"d": {**data, "supersedes_iri": iri}})
        answers.append(_without(payload, iri))
    assert (
        answers[0]
        == answers[1]
        == {
            "footprint": None,
            "errors": [{"path": "$.supersedes_iri", "reason": "names no footprint you may read: IRI"}],
        }
    )
    assert world.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_hidden_supplier_footprint_is_answered_as_of_nothing(world: World) -> None:
    hidden = world.footprint_of("zj-materials", FootprintStatus.DRAFT)
    made_up = world.iri("footprint", "00000000-0000-4000-8000-000000000001")
    owner = world.token(Role.ENTERPRISE, "zj-battery")
    data = world.footprint_data(world.new_product("zj-battery"))
    line = {k: v for k, v in data["inventory"][0].items() if k != "emission_factor_iri"}
    answers = []
    for iri in (hidden, made_up):
        payload = world.payload(
            owner, CREATE_FOOTPRINT, {"d": {**data, "inventory": [{**line, "supplier_footprint_iri": iri}]}}
        )
        answers.append(_without(payload, iri))
    assert answers[0] == answers[1]
    assert answers[0]["errors"] == [
        {"path": "$.inventory[0].supplier_footprint_iri", "reason": "names no footprint you may read: IRI"}
    ]


def test_a_hidden_footprint_as_a_mutations_target_is_answered_as_of_nothing(world: World) -> None:
    hidden = world.footprint_of("zj-apparel", FootprintStatus.SUBMITTED)  # assigned to cert-accredited
    made_up = world.iri("footprint", "00000000-0000-4000-8000-000000000002")
    stranger = world.token(Role.VERIFIER, "consult-unaccredited")
    verify = _answers(world, stranger, VERIFY, {"f": "IRI"}, hidden, made_up)
    assert (
        verify[0]
        == verify[1]
        == {
            "footprint": None,
            "errors": [{"path": "$.footprint_id", "reason": "names no footprint you may read: IRI"}],
        }
    )
    other = world.token(Role.ENTERPRISE, "zj-battery")
    submit = _answers(world, other, SUBMIT, {"f": "IRI", "v": world.iri("org", "cert-accredited")}, hidden, made_up)
    assert submit[0] == submit[1]
    assert world.status(hidden) is FootprintStatus.SUBMITTED
    assert world.scalar(select(Footprint.verifier_id).where(Footprint.iri == hidden)) is not None

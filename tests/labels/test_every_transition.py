"""Every step of a label's life, from every state, by every role, over GraphQL on a live hub: allowed exactly
where the machine (hub/labels/machine.yaml) and the policy say, refused elsewhere with a clear error and nothing
written. The expectations are written out by hand below (HAND) and compared with the declared machine, so that a
change to the machine has to be made twice, on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.bootstrap import Hub
from hub.db.engine import make_engine
from hub.db.models import Label, LabelEvent
from hub.domain.codes import LabelStatus
from hub.labels.machine import SYSTEM, machine
from hub.labels.walk import Cast, walk
from tests import databases
from tests.labels.conftest import DAY, LiveLabels, graded_footprint, live_labels, org

# step (mutation) -> (the one role that may take it, the states it starts from, the state it leads to)
HAND: dict[str, tuple[str, set[str], str]] = {
    "applyForLabel": ("enterprise", set(), "applied"),
    "certifyLabel": ("verifier", {"applied"}, "certified"),
    "refuseLabel": ("verifier", {"applied"}, "refused"),
    "fileLabel": ("regulator", {"certified"}, "filed"),
    "issueLabel": ("regulator", {"filed"}, "issued"),
    "recheckLabel": ("regulator", {"issued"}, "issued"),
    "suspendLabel": ("regulator", {"issued"}, "suspended"),
    "reinstateLabel": ("regulator", {"suspended"}, "issued"),
    "revokeLabel": ("regulator", {"issued", "suspended"}, "revoked"),
}
# the hub's own jobs: no caller takes them
HAND_JOBS: dict[str, tuple[set[str], str]] = {
    "expire": ({"issued", "suspended"}, "expired"),
    "supersede": ({"applied", "certified", "filed", "issued", "suspended"}, "superseded"),
}

CALLS = {
    "certifyLabel": 'certifyLabel(labelId: $l, statement: "Reviewed.")',
    "refuseLabel": 'refuseLabel(labelId: $l, statement: "Wrong unit.")',
    "fileLabel": "fileLabel(labelId: $l)",
    "issueLabel": "issueLabel(labelId: $l)",
    "recheckLabel": 'recheckLabel(labelId: $l, finding: "Sound.")',
    "suspendLabel": 'suspendLabel(labelId: $l, reason: "Under review.")',
    "reinstateLabel": 'reinstateLabel(labelId: $l, reason: "Review closed.")',
    "revokeLabel": 'revokeLabel(labelId: $l, reason: "Fraud.")',
}
STATES = [s.value for s in LabelStatus]
ROLES = list(Role)
CASES = [(mutation, state) for mutation in CALLS for state in STATES]


def test_the_declared_machine_is_the_hand_written_one() -> None:
    declared = machine()
    by_mutation = {
        s.mutation: (s.role, {x.value for x in s.sources}, s.target.value)
        for s in declared.steps.values()
        if s.mutation
    }
    jobs = {s.name: ({x.value for x in s.sources}, s.target.value) for s in declared.steps.values() if s.role == SYSTEM}
    assert by_mutation == HAND
    assert jobs == HAND_JOBS


def test_the_policy_names_the_machines_role_for_each_step(demo_hub: Hub) -> None:
    policy = demo_hub.policy
    for mutation, (role, _, _) in HAND.items():
        assert [r for r in policy.mutations[mutation].checks] == [role], mutation


def test_the_in_force_index_holds_the_machines_in_force_states() -> None:
    from hub.db.models import LABEL_IN_FORCE_SQL

    listed = {s.strip(" '") for s in LABEL_IN_FORCE_SQL.split("(")[1].rstrip(")").split(",")}
    assert listed == {s.value for s in machine().in_force()}


async def _labels_in_every_state(session: Any, hub: Hub) -> dict[tuple[str, str], str]:
    """One label per (step, state) case, on the test enterprise's graded footprint, each in a scheme of its own
    (one label in force per footprint and scheme)."""
    footprint = await graded_footprint(session)
    s = hub.settings
    cast = Cast(
        await org(session, s, "zj-battery"),
        await org(session, s, "cert-accredited"),
        await org(session, s, "zj-regulator"),
    )
    made = {}
    for n, (mutation, state) in enumerate(CASES):
        label = await walk(session, footprint, LabelStatus(state), cast, f"T-{n}", "Set up.", s.base_iri, DAY)
        made[(mutation, state)] = label.iri
    return made


@pytest.fixture(scope="module")
def labels(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLabels]:
    yield from live_labels(templates, Path(tmp_path_factory.mktemp("keys")), _labels_in_every_state)


def _status(live: LiveLabels, iri: str) -> tuple[str, int]:
    engine = make_engine(live.url)
    try:
        with engine.connect() as conn:
            status = conn.scalar(select(Label.status).where(Label.iri == iri))
            events = conn.scalar(select(func.count()).select_from(LabelEvent).join(Label).where(Label.iri == iri))
    finally:
        engine.dispose()
    return LabelStatus(status).value, int(events or 0)


@pytest.mark.parametrize(("mutation", "state"), CASES, ids=[f"{m}-from-{s}" for m, s in CASES])
def test_every_step_from_every_state_by_every_role(labels: LiveLabels, mutation: str, state: str) -> None:
    allowed_role, sources, target = HAND[mutation]
    iri = labels.made[(mutation, state)]
    query = f"mutation($l: ID!) {{ {CALLS[mutation]} {{ label {{ status }} errors {{ path reason }} }} }}"
    before = _status(labels, iri)
    assert before[0] == state
    # the refused roles first: the allowed one may change the label
    for role in sorted(ROLES, key=lambda r: r.value == allowed_role):
        body = labels.call(role, query, {"l": iri})
        if role.value != allowed_role:
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], (role, body)
            assert body["data"] is None or body["data"][mutation] is None
            assert _status(labels, iri) == before, f"{role.value} changed the label"
            continue
        payload = body["data"][mutation]
        if state in sources:
            assert payload == {"label": {"status": target}, "errors": []}, (role, payload)
            assert _status(labels, iri) == (target, before[1] + 1), "one step, one event in its history"
        else:
            allowed = ", ".join(sorted(sources))
            reason = f"is {state}; {machine().by_mutation()[mutation].name} starts only from {allowed}"
            assert payload == {"label": None, "errors": [{"path": "$.status", "reason": reason}]}, payload
            assert _status(labels, iri) == before, "a refused step writes nothing"


def test_apply_by_every_role(labels: LiveLabels) -> None:
    """Only the footprint's owner applies; any other role is refused before anything is read."""
    footprint = labels.hub.settings.base_iri
    certifier = f"{footprint}org/cert-accredited"
    query = """mutation($f: ID!, $i: LabelApplication!) { applyForLabel(footprintId: $f, input: $i) {
      label { status scheme } errors { path reason } } }"""
    engine = make_engine(labels.url)
    try:
        with engine.connect() as conn:
            from hub.db.models import Footprint, Product

            fp = conn.scalar(select(Footprint.iri).join(Product).where(Product.model == "ZB-LFP-60"))
    finally:
        engine.dispose()
    for role in ROLES:
        scheme = f"APPLY-{role.value}"
        body = labels.call(role, query, {"f": fp, "i": {"certifierId": certifier, "scheme": scheme}})
        if role is Role.ENTERPRISE:
            assert body["data"]["applyForLabel"] == {"label": {"status": "applied", "scheme": scheme}, "errors": []}
        else:
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], (role, body)

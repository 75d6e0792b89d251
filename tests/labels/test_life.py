"""A label's life end to end on a live hub (real HTTP, SQLite and PostgreSQL): its history with days and reasons as
the owner, the regulator and the public read it; the public view by serial; the expiry job; a new footprint
version superseding the labelled one; twenty callers taking one step at once; and the attacks on each step."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Role
from hub.bootstrap import Hub, open_hub
from hub.cli import main
from hub.db.engine import make_engine
from hub.db.models import AuditEvent, EmissionFactor, Footprint, Label, LabelEvent, Product
from hub.domain.codes import FootprintStatus, LabelStatus
from hub.labels import public
from hub.labels.walk import Cast, walk
from hub.services import footprints
from hub.services.origin import Origin
from tests import databases
from tests.api.fixtures import gql, token
from tests.api.payloads import footprint_input
from tests.labels.conftest import DAY, SECOND, LiveLabels, graded_footprint, live_labels, org
from tests.security.lifecycle_world import together

HISTORY = """query($l: ID!) { labelHistory(labelId: $l) { step fromStatus toStatus on reason } }"""
HISTORY_ALL = """query($l: ID!) { labelHistory(labelId: $l) { step createdBy detail } }"""
LONG_AGO = date(2022, 1, 10)  # a label issued then is past its 36 months


async def _setup(session: AsyncSession, hub: Hub) -> dict[str, Any]:
    """Labels on two graded footprints of the test enterprise: the first gets a new version (which supersedes its
    labels) in one test; every other test uses labels of its own on the second, so the tests may run in any order."""
    footprint = await graded_footprint(session)
    second = await graded_footprint(session, SECOND)
    s = hub.settings
    cast = Cast(
        await org(session, s, "zj-battery"),
        await org(session, s, "cert-accredited"),
        await org(session, s, "zj-regulator"),
    )
    base = s.base_iri

    async def label(to: LabelStatus, scheme: str, on: date = DAY, fp: Footprint = second) -> Label:
        return await walk(session, fp, to, cast, scheme, "Set up.", base, on)

    made = {
        "footprint": footprint.iri,
        "footprint2": second.iri,
        "issued": (await label(LabelStatus.ISSUED, "L-ISSUED", fp=footprint)).iri,
        "history": (await label(LabelStatus.ISSUED, "L-HISTORY")).iri,
        "filed": (await label(LabelStatus.FILED, "L-FILED")).iri,
        "applied": (await label(LabelStatus.APPLIED, "L-APPLIED")).iri,
        "applied_race": (await label(LabelStatus.APPLIED, "L-APPLIED-RACE")).iri,
        "to_suspend": (await label(LabelStatus.ISSUED, "L-RACE")).iri,
        "old": (await label(LabelStatus.ISSUED, "L-OLD", LONG_AGO)).iri,
    }
    made["serial"] = (await session.scalar(select(Label.serial).where(Label.iri == made["history"]))) or ""
    made["new_version"] = await _new_version_verified(session, footprint, cast, base)
    return made


async def _new_version_verified(session: AsyncSession, footprint: Footprint, cast: Cast, base: str) -> str:
    """A new version of the labelled footprint, verified and ready for the regulator to publish."""
    product = await session.scalar(select(Product.iri).where(Product.id == footprint.product_id))
    factor, value = (
        await session.execute(select(EmissionFactor.iri, EmissionFactor.value_kgco2e_per_unit).limit(1))
    ).one()
    data = {**footprint_input(str(product), factor, 10.0, value), "supersedes_iri": footprint.iri}
    new = await footprints.create_footprint(session, data, Origin(cast.owner.iri), base)
    await footprints.submit(session, new, cast.certifier, Origin(cast.owner.iri))
    await footprints.verify(session, new, cast.certifier, "Checked.", DAY, Origin(cast.certifier.iri))
    return new.iri


@pytest.fixture(scope="module")
def life(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLabels]:
    yield from live_labels(templates, Path(tmp_path_factory.mktemp("keys")), _setup)


def _scalar(live: LiveLabels, statement: Any) -> Any:
    engine = make_engine(live.url)
    try:
        with engine.connect() as conn:
            return conn.scalar(statement)
    finally:
        engine.dispose()


def _status(live: LiveLabels, iri: str) -> LabelStatus:
    return LabelStatus(_scalar(live, select(Label.status).where(Label.iri == iri)))


def test_history_with_days_and_reasons_for_the_owner_the_regulator_and_the_public(life: LiveLabels) -> None:
    iri = life.made["history"]
    suspend = 'mutation($l: ID!) { suspendLabel(labelId: $l, reason: "Supplier audit.") { errors { path } } }'
    assert life.call(Role.REGULATOR, suspend, {"l": iri})["data"]["suspendLabel"]["errors"] == []
    expected = [
        {"step": "apply", "fromStatus": None, "toStatus": "applied", "on": str(DAY), "reason": None},
        {"step": "certify", "fromStatus": "applied", "toStatus": "certified", "on": str(DAY), "reason": "Set up."},
        {"step": "file", "fromStatus": "certified", "toStatus": "filed", "on": str(DAY), "reason": None},
        {"step": "issue", "fromStatus": "filed", "toStatus": "issued", "on": str(DAY), "reason": None},
    ]
    today = str(date.today())  # the live hub runs on the system clock
    suspended = {
        "step": "suspend",
        "fromStatus": "issued",
        "toStatus": "suspended",
        "on": today,
        "reason": "Supplier audit.",
    }
    for role in (Role.ENTERPRISE, Role.REGULATOR, Role.PUBLIC, Role.INTERNATIONAL_BODY):
        body = life.call(role, HISTORY, {"l": iri})
        assert body["data"]["labelHistory"] == [*expected, suspended], role
    # the public reads the steps, never who took them nor the detail
    body = life.call(Role.PUBLIC, HISTORY_ALL, {"l": iri})
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
    assert {tuple(e["path"][2:]) for e in body["errors"]} == {("createdBy",), ("detail",)}
    owner = life.call(Role.ENTERPRISE, HISTORY_ALL, {"l": iri})
    assert "errors" not in owner and owner["data"]["labelHistory"][0]["createdBy"].endswith("org/zj-battery")
    # another enterprise reads the public history; a partner platform none
    assert life.call(Role.ENTERPRISE, HISTORY, {"l": iri}, org="zj-pv")["data"]["labelHistory"][-1] == suspended
    assert life.call(Role.REGIONAL_PLATFORM, HISTORY, {"l": iri})["data"]["labelHistory"] == []


def test_a_label_never_issued_and_its_history_are_hidden_from_all_but_its_parties(life: LiveLabels) -> None:
    iri = life.made["filed"]
    node = "query($l: ID!) { node(id: $l) { ... on Label { status filingNumber } } }"
    for role, org_key in [(Role.PUBLIC, None), (Role.ENTERPRISE, "zj-pv"), (Role.STANDARDS_TEAM, None)]:
        assert life.call(role, HISTORY, {"l": iri}, org=org_key)["data"]["labelHistory"] == []
        assert life.call(role, node, {"l": iri}, org=org_key)["data"]["node"] is None
    # the uncertified consultancy is a verifier too, but not the one named: it reads nothing
    hidden = life.call(Role.VERIFIER, node, {"l": iri}, org="consult-unaccredited")
    assert hidden["data"]["node"] is None
    for role, org_key in [(Role.ENTERPRISE, None), (Role.VERIFIER, None), (Role.REGULATOR, None)]:
        seen = life.call(role, node, {"l": iri}, org=org_key)["data"]["node"]
        assert seen["status"] == "filed" and seen["filingNumber"].startswith("ZJ-BA-"), role
        assert len(life.call(role, HISTORY, {"l": iri}, org=org_key)["data"]["labelHistory"]) == 3


def test_the_public_view_by_serial_holds_public_fields_only(life: LiveLabels) -> None:
    async def view(serial: str) -> public.PublicLabel | None:
        hub = open_hub(life.hub.settings)
        try:
            return await public.label_public_view(public.public_reader(hub), serial)
        finally:
            await hub.close()

    seen = asyncio.run(view(life.made["serial"]))
    assert seen is not None
    assert seen.label["serial"] == life.made["serial"] and seen.label["grade"]
    assert "certification_statement" not in seen.label and "created_by" not in seen.label
    assert seen.certifier is not None and seen.certifier["name_en"] == "Demo Quality Certification Centre"
    assert [e["step"] for e in seen.history][:4] == ["apply", "certify", "file", "issue"]
    assert all("created_by" not in e and "detail" not in e for e in seen.history)
    assert asyncio.run(view("ZJ-PCF-2026-NOSUCHSERIAL")) is None


def test_illegal_and_bad_steps_are_refused_naming_the_field_and_write_nothing(life: LiveLabels) -> None:
    events = select(func.count()).select_from(AuditEvent)
    before = _scalar(life, events)
    applied = life.made["applied"]
    cases = [
        (Role.REGULATOR, "issueLabel(labelId: $l)", applied, "$.status", "is applied; issue starts only from filed"),
        (
            Role.REGULATOR,
            'suspendLabel(labelId: $l, reason: "  ")',
            life.made["to_suspend"],
            "$.reason",
            "must not be empty",
        ),
        (
            Role.REGULATOR,
            f'suspendLabel(labelId: $l, reason: "{"x" * 2001}")',
            life.made["to_suspend"],
            "$.reason",
            "must be at most 2000 characters",
        ),
        (Role.VERIFIER, 'certifyLabel(labelId: $l, statement: "")', applied, "$.statement", "must not be empty"),
        (
            Role.REGULATOR,
            'issueLabel(labelId: $l, expiresOn: "1999-01-01")',
            life.made["filed"],
            "$.expires_on",
            "must be after the day of issue",
        ),
        (
            Role.REGULATOR,
            'issueLabel(labelId: $l, expiresOn: "2199-01-01")',
            life.made["filed"],
            "$.expires_on",
            "must be at most 10 years after the day of issue",
        ),
        (
            Role.REGULATOR,
            "issueLabel(labelId: $l)",
            "urn:x:none",
            "$.label_id",
            "names no label you may read: urn:x:none",
        ),
    ]
    for role, call, iri, path, reason in cases:
        body = life.call(
            role, f"mutation($l: ID!) {{ {call} {{ label {{ status }} errors {{ path reason }} }} }}", {"l": iri}
        )
        [payload] = body["data"].values()
        assert payload == {"label": None, "errors": [{"path": path, "reason": reason}]}, (call, payload)
    assert _scalar(life, events) == before, "nothing was written"
    # grade and score are not input: the schema has no such argument
    bearer = token(life.hub, Role.REGULATOR)
    reply = gql(life.client, 'mutation { issueLabel(labelId: "x", grade: "A") { errors { path } } }', bearer)
    assert reply.status_code == 400 and "Unknown argument 'grade'" in reply.json()["errors"][0]["message"]


def test_an_application_names_an_accredited_certification_body_and_a_footprint_of_the_caller(life: LiveLabels) -> None:
    apply = """mutation($f: ID!, $c: ID!, $s: String!) {
      applyForLabel(footprintId: $f, input: {certifierId: $c, scheme: $s}) { label { status }
      errors { path reason } } }"""
    base = life.hub.settings.base_iri
    fp = life.made["footprint2"]
    unaccredited = life.call(Role.ENTERPRISE, apply, {"f": fp, "c": f"{base}org/consult-unaccredited", "s": "X"})
    assert unaccredited["data"]["applyForLabel"]["errors"] == [
        {"path": "$.certifier_id", "reason": f"is not an accredited certification body: {base}org/consult-unaccredited"}
    ]
    regulator = life.call(Role.ENTERPRISE, apply, {"f": fp, "c": f"{base}org/zj-regulator", "s": "X"})
    assert regulator["data"]["applyForLabel"]["errors"][0]["path"] == "$.certifier_id"
    held = life.call(Role.ENTERPRISE, apply, {"f": fp, "c": f"{base}org/cert-accredited", "s": "L-FILED"})
    assert held["data"]["applyForLabel"]["errors"][0]["path"] == "$.scheme"
    assert "label in force already" in held["data"]["applyForLabel"]["errors"][0]["reason"]
    other = life.call(Role.ENTERPRISE, apply, {"f": fp, "c": f"{base}org/cert-accredited", "s": "Y"}, org="zj-pv")
    assert [e["extensions"]["code"] for e in other["errors"]] == ["FORBIDDEN"], "another enterprise's footprint"


def test_twenty_certifications_of_one_label_at_once_one_wins(life: LiveLabels) -> None:
    iri = life.made["applied_race"]
    certify = 'mutation($l: ID!) { certifyLabel(labelId: $l, statement: "Reviewed.") { errors { path reason } } }'
    payloads = together([lambda: life.call(Role.VERIFIER, certify, {"l": iri})["data"]["certifyLabel"]] * 20)
    assert sum(p["errors"] == [] for p in payloads) == 1
    for p in payloads:
        if p["errors"]:
            [error] = p["errors"]
            assert error["path"] == "$.status" and error["reason"].startswith("is certified"), error
    assert _status(life, iri) is LabelStatus.CERTIFIED
    steps = (
        select(func.count()).select_from(LabelEvent).join(Label).where(Label.iri == iri, LabelEvent.step == "certify")
    )
    assert _scalar(life, steps) == 1


def test_twenty_suspensions_and_revocations_at_once_one_wins(life: LiveLabels) -> None:
    iri = life.made["to_suspend"]
    suspend = 'mutation($l: ID!) { suspendLabel(labelId: $l, reason: "r") { errors { path reason } } }'
    revoke = 'mutation($l: ID!) { revokeLabel(labelId: $l, reason: "r") { errors { path reason } } }'
    calls = [lambda q=q: life.call(Role.REGULATOR, q, {"l": iri})["data"] for q in [suspend, revoke] * 10]
    results = [next(iter(d.values())) for d in together(calls)]
    winners = [i for i, p in enumerate(results) if p["errors"] == []]
    # a suspension may be followed by a revocation (suspended -> revoked is allowed); nothing else may succeed
    kinds = sorted(("suspend" if i % 2 == 0 else "revoke" for i in winners), key=lambda k: k == "revoke")
    # (a revocation that read the label before the suspension committed loses the compare-and-set too)
    assert kinds in (["revoke"], ["suspend"], ["suspend", "revoke"]), kinds
    assert _status(life, iri) is (LabelStatus.REVOKED if "revoke" in kinds else LabelStatus.SUSPENDED)
    steps = select(LabelEvent.step).join(Label).where(Label.iri == iri).order_by(LabelEvent.id)
    engine = make_engine(life.url)
    with engine.connect() as conn:
        history = list(conn.scalars(steps))
    engine.dispose()
    assert history[4:] == sorted(kinds, key=lambda k: k == "revoke"), "history agrees with what callers were told"


def test_the_expiry_job_ends_labels_past_their_validity_once(life: LiveLabels, monkeypatch: pytest.MonkeyPatch) -> None:
    old = life.made["old"]
    assert _status(life, old) is LabelStatus.ISSUED
    monkeypatch.setenv("CFHUB_DATABASE_URL", life.url)
    first = CliRunner().invoke(main, ["labels", "expire"], catch_exceptions=False)
    assert first.exit_code == 0 and f"expired {old}" in first.output
    assert _status(life, old) is LabelStatus.EXPIRED
    assert _status(life, life.made["filed"]) is LabelStatus.FILED
    again = CliRunner().invoke(main, ["labels", "expire"], catch_exceptions=False)
    assert again.output.strip() == "0 labels expired"
    reason = _scalar(life, select(Label.status_reason).where(Label.iri == old))
    assert reason == "valid until 2025-01-10"


def test_publishing_a_new_version_supersedes_the_labels_of_the_old_one(life: LiveLabels) -> None:
    publish = "mutation($f: ID!) { publishFootprint(footprintId: $f) { footprint { status } errors { path reason } } }"
    body = life.call(Role.REGULATOR, publish, {"f": life.made["new_version"]})
    assert body["data"]["publishFootprint"]["errors"] == [], body
    old = life.made["footprint"]
    rows = select(Label.scheme, Label.status).join(Footprint).where(Footprint.iri == old)
    engine = make_engine(life.url)
    with engine.connect() as conn:
        statuses = {scheme: LabelStatus(status) for scheme, status in conn.execute(rows)}
        reasons = set(conn.scalars(select(LabelEvent.reason).where(LabelEvent.step == "supersede")))
    engine.dispose()
    in_force = {s for s, status in statuses.items() if status in {LabelStatus.APPLIED, LabelStatus.ISSUED}}
    assert in_force == set(), statuses
    assert statuses["L-ISSUED"] is LabelStatus.SUPERSEDED and statuses["ZJ-PCF-LABEL"] is LabelStatus.SUPERSEDED
    assert reasons == {f"superseded by footprint version 2: {life.made['new_version']}"}
    assert FootprintStatus.PUBLISHED.value == _scalar(
        life, select(Footprint.status).where(Footprint.iri == life.made["new_version"])
    )


def test_a_hidden_label_is_answered_as_a_missing_one(life: LiveLabels) -> None:
    """Another certification body may not tell an application it was not named in from no label at all."""
    certify = (
        'mutation($l: ID!) { certifyLabel(labelId: $l, statement: "s") { label { status } errors { path reason } } }'
    )
    answers = [
        life.call(Role.VERIFIER, certify, {"l": iri}, org="consult-unaccredited")["data"]["certifyLabel"]["errors"]
        for iri in (life.made["filed"], "https://zj.cfhub.example.org/id/label/none")
    ]
    assert [e[0]["reason"].split(": ")[0] for e in answers] == ["names no label you may read"] * 2
    assert _status(life, life.made["filed"]) is LabelStatus.FILED

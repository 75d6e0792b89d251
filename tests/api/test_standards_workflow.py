"""The standards team's workflow over real HTTP: draft a rule set or mapping, test it, publish it; refusals
name the field, line and column; other roles may not run it; nothing is written when a step fails; every
step is in the audit trail; each role reads the versions the policy gives it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from hub.auth.principal import Role
from hub.bootstrap import open_hub
from hub.db.engine import make_engine
from hub.services.audit import verify_chain
from tests import drafts
from tests.api.conftest import Live
from tests.api.fixtures import gql, token

VERSION = "documentVersion { id kind documentId version status testReport publishedAt }"
CREATE_RULESET = (
    "mutation($c: String!, $t: String) { createDraftRuleSet(content: $c, tests: $t) { "
    + VERSION
    + " errors { path reason } } }"
)
CREATE_MAPPING = (
    "mutation($c: String!, $k: JSON) { createDraftMapping(content: $c, cases: $k) { "
    + VERSION
    + " errors { path reason } } }"
)
TEST = "mutation($id: ID!) { testDraft(id: $id) { " + VERSION + " errors { path reason } } }"
PUBLISH = "mutation($id: ID!) { publishDraft(id: $id) { " + VERSION + " errors { path reason } } }"
VERSIONS = "query($d: String) { documentVersions(documentId: $d) { version status } }"


@pytest.fixture(scope="module")
def engine(live: Live) -> Iterator[Engine]:
    e = make_engine(live.hub.settings.database_url)
    yield e
    e.dispose()


def _rows(engine: Engine) -> tuple[int, int, list[tuple[Any, ...]]]:
    """Document versions, audit events and every version's status: what a refused step must leave alone."""
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT COUNT(*) FROM document_version")).scalar_one()
        events = conn.execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one()
        statuses = conn.execute(text("SELECT iri, status FROM document_version ORDER BY id")).all()
    return versions, events, [tuple(r) for r in statuses]


def _call(live: Live, query: str, role: Role, **variables: Any) -> dict[str, Any]:
    response = gql(live.client, query, token(live.hub, role), variables)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][name]  # type: ignore[no-any-return]


def _draft(live: Live, content: str, tests: str | None = None) -> str:
    payload = _payload(_call(live, CREATE_RULESET, Role.STANDARDS_TEAM, c=content, t=tests), "createDraftRuleSet")
    assert payload["errors"] == [], payload
    return payload["documentVersion"]["id"]  # type: ignore[no-any-return]


def _step(live: Live, query: str, name: str, iri: str) -> dict[str, Any]:
    return _payload(_call(live, query, Role.STANDARDS_TEAM, id=iri), name)


def test_a_type_error_in_a_cel_condition_is_refused_naming_the_line(live: Live, engine: Engine) -> None:
    before = _rows(engine)
    content = drafts.tea_ruleset("2029.1", "2029-01-01", "when: fp.declared_unit == 3")
    payload = _payload(_call(live, CREATE_RULESET, Role.STANDARDS_TEAM, c=content), "createDraftRuleSet")
    assert payload == {
        "documentVersion": None,
        "errors": [{"path": "$.content", "reason": "line 20, column 28: cannot compare string with int"}],
    }
    assert _rows(engine) == before


def test_the_enterprise_may_not_create_test_or_publish(live: Live, engine: Engine) -> None:
    iri = _draft(live, drafts.tea_ruleset("2030.1", "2030-01-01"), drafts.tea_tests())
    assert _step(live, TEST, "testDraft", iri)["documentVersion"]["status"] == "tested"
    before = _rows(engine)
    for query, variables in (
        (CREATE_RULESET, {"c": drafts.tea_ruleset("2030.2", "2030-01-01")}),
        (TEST, {"id": iri}),
        (PUBLISH, {"id": iri}),
    ):
        for role in (Role.ENTERPRISE, Role.PUBLIC, Role.REGULATOR):
            body = _call(live, query, role, **variables)
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], (role, body)
            assert body["data"] is None
    assert _rows(engine) == before


def test_a_draft_whose_own_case_fails_is_stored_untested_and_cannot_be_published(live: Live, engine: Engine) -> None:
    iri = _draft(live, drafts.tea_ruleset("2028.1", "2028-01-01"), drafts.tea_tests(wrong_grade=True))
    tested = _step(live, TEST, "testDraft", iri)
    assert tested["errors"] == []
    assert tested["documentVersion"]["status"] == "draft"
    assert tested["documentVersion"]["testReport"]["failed"] == 1
    before = _rows(engine)
    published = _step(live, PUBLISH, "publishDraft", iri)
    assert published["documentVersion"] is None
    assert [e["path"] for e in published["errors"]] == ["$.id"]
    assert published["errors"][0]["reason"].startswith("is draft; only a tested draft is published")
    assert _rows(engine) == before


def test_draft_test_publish_retires_the_old_version_and_audits_each_step(live: Live, engine: Engine) -> None:
    first = _draft(live, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests())
    assert _step(live, TEST, "testDraft", first)["documentVersion"]["testReport"] == {
        "passed": 4,
        "failed": 0,
        "failures": [],
    }
    assert _step(live, PUBLISH, "publishDraft", first)["documentVersion"]["status"] == "published"
    second = _draft(live, drafts.tea_ruleset("2026.2", "2026-06-01"), drafts.tea_tests())
    _step(live, TEST, "testDraft", second)
    payload = _step(live, PUBLISH, "publishDraft", second)
    assert payload["errors"] == [] and payload["documentVersion"]["status"] == "published"

    team = _payload(_call(live, VERSIONS, Role.STANDARDS_TEAM, d=drafts.TEA_ID), "documentVersions")
    statuses = {v["version"]: v["status"] for v in team}
    assert {k: statuses[k] for k in ("2026.1", "2026.2")} == {"2026.1": "retired", "2026.2": "published"}
    for role in (Role.PUBLIC, Role.ENTERPRISE, Role.VERIFIER):
        seen = _payload(_call(live, VERSIONS, role, d=drafts.TEA_ID), "documentVersions")
        assert seen == [{"version": "2026.2", "status": "published"}], role
    regulator = _payload(_call(live, VERSIONS, Role.REGULATOR, d=drafts.TEA_ID), "documentVersions")
    assert regulator == team

    trail = "query($r: String) { auditTrail(recordIri: $r) { edges { node { action actor } } } }"
    actions = {
        iri: [e["node"]["action"] for e in _call(live, trail, Role.REGULATOR, r=iri)["data"]["auditTrail"]["edges"]]
        for iri in (first, second)
    }
    assert actions == {first: ["create", "test", "publish", "retire"], second: ["create", "test", "publish"]}
    assert _chain_is_intact(live)


def test_a_mapping_draft_through_the_api(live: Live) -> None:
    content = drafts.yrd_mapping("1.1.0")
    body = _call(live, CREATE_MAPPING, Role.STANDARDS_TEAM, c=content, k=drafts.yrd_cases(content))
    created = _payload(body, "createDraftMapping")
    assert created["errors"] == [] and created["documentVersion"]["kind"] == "mapping"
    iri = created["documentVersion"]["id"]
    assert _step(live, TEST, "testDraft", iri)["documentVersion"]["status"] == "tested"
    published = _step(live, PUBLISH, "publishDraft", iri)["documentVersion"]
    assert (published["documentId"], published["status"]) == (drafts.YRD_IRI, "published")

    bad = drafts.yrd_mapping("1.2.0", "{target: chanpinMingcheng, source: product.nmae}")
    refused = _payload(_call(live, CREATE_MAPPING, Role.STANDARDS_TEAM, c=bad), "createDraftMapping")
    assert [e["path"] for e in refused["errors"]] == ["$.content"]
    assert refused["errors"][0]["reason"].startswith("line 48: unknown source field 'product.nmae'")


def _chain_is_intact(live: Live) -> bool:
    async def check() -> bool:
        hub = open_hub(live.hub.settings)
        try:
            async with hub.sessions() as session:
                return (await verify_chain(session)).ok
        finally:
            await hub.close()

    return asyncio.run(check())

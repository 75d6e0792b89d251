"""The standards team's drafts through the services: refused with line and column, tested with their own
cases, published over the version before; nothing written when a step fails; every step audited."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hub.bootstrap import Hub
from hub.db.models import AuditEvent, Base, DocumentVersion
from hub.domain.documents import DocumentKind, DocumentStatus
from hub.services import audit, documents
from hub.services.origin import Origin
from hub.services.published import effective_catalog, effective_registry
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput
from tests import drafts

TEAM = Origin(actor="https://test.example/org/standards")
BASE = "https://test.example/id/"
FACTS = yaml.safe_load((drafts.TEA / "tests.yaml").read_text(encoding="utf-8"))["facts"]


async def _counts(hub: Hub) -> dict[str, int]:
    async with hub.sessions() as session:
        return {
            t.name: await session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


async def _create(hub: Hub, kind: DocumentKind, content: str, tests: str | None) -> str:
    async with unit_of_work(hub.sessions) as session:
        return (await documents.create_draft(session, kind, content, tests, TEAM, BASE)).iri


async def _step(hub: Hub, step: str, iri: str) -> DocumentVersion:
    async with unit_of_work(hub.sessions) as session:
        draft = await session.scalar(select(DocumentVersion).where(DocumentVersion.iri == iri))
        assert draft is not None
        if step == "test":
            return await documents.test_draft(session, draft, TEAM)
        return await documents.publish(session, draft, TEAM)


async def _refused(hub: Hub, work: object) -> InvalidInput:
    """Run `work` (a coroutine) expecting a refusal; check that no table changed."""
    before = await _counts(hub)
    with pytest.raises(InvalidInput) as refused:
        await work  # type: ignore[misc]
    assert await _counts(hub) == before
    return refused.value


async def _version(hub: Hub, iri: str) -> DocumentVersion:
    async with hub.sessions() as session:
        found = await session.scalar(select(DocumentVersion).where(DocumentVersion.iri == iri))
        assert found is not None
        return found


# -- refused drafts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("when: fp.declared_unit == 3", "line 20, column 28: cannot compare string with int"),
        ("when: fp.totl > 3", "line 20, column 11: unknown field 'fp.totl'; did you mean 'fp.total_kgco2e'?"),
    ],
    ids=["type-error", "unknown-fact"],
)
async def test_a_draft_rule_set_with_a_bad_cel_condition_is_refused_naming_line_and_column(
    empty_hub: Hub, condition: str, reason: str
) -> None:
    content = drafts.tea_ruleset("2026.1", "2026-03-01", condition)
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, content, drafts.tea_tests()))
    assert [(e.path, e.reason) for e in refused.errors] == [("$.content", reason)]


async def test_a_draft_rule_set_that_is_not_yaml_is_refused_at_its_position(empty_hub: Hub) -> None:
    content = drafts.tea_ruleset("2026.1", "2026-03-01") + "\nchecks: [unclosed\n"
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, content, None))
    [error] = refused.errors
    assert error.path == "$.content" and error.reason.startswith("line ")


async def test_a_draft_refining_an_unknown_rule_set_is_refused_at_refines(empty_hub: Hub) -> None:
    content = drafts.tea_ruleset("2026.1", "2026-03-01").replace(
        "refines: label-grade-zj-ind-01", "refines: label-grade-zj-ind-99"
    )
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, content, None))
    assert [e.path for e in refused.errors] == ["$.content"]
    assert refused.errors[0].reason.startswith("line 6, column 10: ")
    assert "label-grade-zj-ind-99" in refused.errors[0].reason


async def test_a_draft_that_would_break_a_shipped_rule_set_is_refused_naming_that_file(empty_hub: Hub) -> None:
    general = (drafts.ROOT / "rulesets" / "label_grade" / "zj-general-2026-1" / "ruleset.yaml").read_text(
        encoding="utf-8"
    )
    content = (
        general.replace('version: "2026.1"', 'version: "2026.2"')
        .replace("effective_from: 2026-02-01", "effective_from: 2026-03-01")
        .replace("name: declared_unit_known", "name: unit_known")
    )
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, content, None))
    assert {e.path for e in refused.errors} == {"$.content"}
    assert (
        "breaks rulesets/label_grade/zj-ind-01-agriculture/ruleset.yaml, line 18, column 11: "
        "rule 'declared_unit_known' has override: true but no parent layer defines it"
    ) in [e.reason for e in refused.errors]


async def test_a_draft_must_have_a_new_version(empty_hub: Hub) -> None:
    shipped = drafts.tea_ruleset("2025.1", "2025-07-01")
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, shipped, None))
    assert [(e.path, e.reason) for e in refused.errors] == [
        ("$.content", "ruleset label-grade-zj-kp-04 already has version 2025.1; a draft needs a new one")
    ]
    await _create(empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), None)
    again = drafts.tea_ruleset("2026.1", "2026-04-01")
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, again, None))
    assert "already has version 2026.1" in refused.errors[0].reason


async def test_a_draft_version_must_be_dotted_numbers(empty_hub: Hub) -> None:
    content = drafts.tea_ruleset("next", "2026-03-01")
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.RULESET, content, None))
    assert [(e.path, e.reason) for e in refused.errors] == [
        (
            "$.content",
            "line 2, column 11: version 'next' must be dotted numbers (e.g. 2026.1), so versions can be ordered",
        )
    ]


# -- tested, not tested ----------------------------------------------------------------------------


async def test_a_draft_whose_own_case_fails_is_stored_but_not_tested_and_cannot_be_published(empty_hub: Hub) -> None:
    content = drafts.tea_ruleset("2026.1", "2026-03-01")
    iri = await _create(empty_hub, DocumentKind.RULESET, content, drafts.tea_tests(wrong_grade=True))
    tested = await _step(empty_hub, "test", iri)
    assert tested.status is DocumentStatus.DRAFT
    assert tested.test_report == {
        "passed": 3,
        "failed": 1,
        "failures": [
            {"case": "at or below p10 is grade A with score 100", "problems": ["outcome.grade: expected 'B', got 'A'"]}
        ],
    }
    refused = await _refused(empty_hub, _step(empty_hub, "publish", iri))
    assert [e.path for e in refused.errors] == ["$.id"]
    assert refused.errors[0].reason.startswith("is draft; only a tested draft is published")
    assert (await _version(empty_hub, iri)).status is DocumentStatus.DRAFT


@pytest.mark.parametrize("tests", [None, "cases: []\n"], ids=["no-tests", "empty-cases"])
async def test_a_draft_without_cases_cannot_be_tested(empty_hub: Hub, tests: str | None) -> None:
    iri = await _create(empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), tests)
    refused = await _refused(empty_hub, _step(empty_hub, "test", iri))
    assert [(e.path, e.reason) for e in refused.errors] == [
        ("$.tests", "the draft has no test cases; create a new version with some")
    ]


# -- the whole path --------------------------------------------------------------------------------


async def test_draft_test_publish_retires_the_version_before_and_takes_effect(empty_hub: Hub) -> None:
    first = await _create(
        empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests()
    )
    assert (await _step(empty_hub, "test", first)).status is DocumentStatus.TESTED
    assert (await _step(empty_hub, "publish", first)).status is DocumentStatus.PUBLISHED
    second = await _create(
        empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.2", "2026-06-01"), drafts.tea_tests()
    )
    await _step(empty_hub, "test", second)
    published = await _step(empty_hub, "publish", second)
    retired = await _version(empty_hub, first)
    assert (retired.status, published.status) == (DocumentStatus.RETIRED, DocumentStatus.PUBLISHED)
    assert published.supersedes_id == retired.id and published.published_at is not None

    async with empty_hub.sessions() as session:
        registry = await effective_registry(session)
        actions = [(e.action, e.record_iri) for e in await session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert (await audit.verify_chain(session)).ok
    in_force = {
        on: registry.decide("label_grade", "ZJ", FACTS, date.fromisoformat(on)).to_dict()["chain"][-1]["version"]
        for on in ("2025-12-31", "2026-03-01", "2026-05-31", "2026-06-01")
    }
    assert in_force == {"2025-12-31": "2025.1", "2026-03-01": "2026.1", "2026-05-31": "2026.1", "2026-06-01": "2026.2"}
    assert actions == [
        ("create", first),
        ("test", first),
        ("publish", first),
        ("create", second),
        ("test", second),
        ("retire", first),
        ("publish", second),
    ]


async def test_only_a_version_above_every_published_one_is_published(empty_hub: Hub) -> None:
    low = await _create(empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests())
    high = await _create(
        empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.3", "2026-03-01"), drafts.tea_tests()
    )
    for iri in (low, high):
        await _step(empty_hub, "test", iri)
    await _step(empty_hub, "publish", high)
    refused = await _refused(empty_hub, _step(empty_hub, "publish", low))
    assert [(e.path, e.reason) for e in refused.errors] == [
        ("$.id", "version 2026.1 is not above published version 2026.3")
    ]


async def test_a_published_version_is_not_tested_again(empty_hub: Hub) -> None:
    iri = await _create(empty_hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests())
    await _step(empty_hub, "test", iri)
    await _step(empty_hub, "publish", iri)
    refused = await _refused(empty_hub, _step(empty_hub, "test", iri))
    assert [(e.path, e.reason) for e in refused.errors] == [("$.id", "is published; only a draft is tested")]


# -- mappings --------------------------------------------------------------------------------------


async def test_a_mapping_draft_with_an_unknown_source_field_is_refused_naming_the_line(empty_hub: Hub) -> None:
    content = drafts.yrd_mapping("1.1.0", "{target: chanpinMingcheng, source: product.nmae}")
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.MAPPING, content, None))
    [error] = refused.errors
    assert error.path == "$.content"
    assert error.reason.startswith("line 48: unknown source field 'product.nmae'")


async def test_a_mapping_draft_is_tested_published_and_in_force(empty_hub: Hub) -> None:
    content = drafts.yrd_mapping("1.1.0")
    iri = await _create(empty_hub, DocumentKind.MAPPING, content, yaml.safe_dump(drafts.yrd_cases(content)))
    assert (await _step(empty_hub, "test", iri)).test_report == {"passed": 1, "failed": 0, "failures": []}
    assert (await _step(empty_hub, "publish", iri)).status is DocumentStatus.PUBLISHED
    async with empty_hub.sessions() as session:
        catalog = await effective_catalog(session)
    mapper = catalog.get("yrd")
    assert (mapper.iri, mapper.version) == (drafts.YRD_IRI, "1.1.0")


async def test_a_mapping_case_that_differs_or_breaks_the_target_schema_fails(empty_hub: Hub) -> None:
    differs = drafts.yrd_mapping("1.1.0")
    cases = drafts.yrd_cases(differs, chanpinMingcheng="Another tea")
    iri = await _create(empty_hub, DocumentKind.MAPPING, differs, yaml.safe_dump(cases))
    report = (await _step(empty_hub, "test", iri)).test_report
    assert report is not None and report["failed"] == 1
    assert report["failures"][0]["problems"] == [
        "output.chanpinMingcheng: expected 'Another tea', got 'Longjing green tea, loose leaf'"
    ]
    invalid = drafts.yrd_mapping("1.2.0", "{target: chanpinMingcheng, value: ''}")
    iri = await _create(empty_hub, DocumentKind.MAPPING, invalid, yaml.safe_dump(drafts.yrd_cases(invalid)))
    tested = await _step(empty_hub, "test", iri)
    assert tested.status is DocumentStatus.DRAFT
    assert tested.test_report is not None
    assert tested.test_report["failures"][0]["problems"] == [
        "output not valid against yrd-footprint.schema.json: chanpinMingcheng: '' should be non-empty"
    ]


async def test_mapping_cases_must_each_have_input_and_expected(empty_hub: Hub) -> None:
    content = drafts.yrd_mapping("1.1.0")
    refused = await _refused(empty_hub, _create(empty_hub, DocumentKind.MAPPING, content, "[{name: x, input: {}}]"))
    assert [(e.path, e.reason) for e in refused.errors] == [("$.cases[0].expected", "is required")]


async def test_two_publications_of_one_document_at_once_leave_one_published(empty_hub: Hub) -> None:
    """Publishing locks the document's versions: the second publication waits and sees the first (PostgreSQL),
    or fails to write (SQLite's single writer); never two published versions."""
    iris = [
        await _create(empty_hub, DocumentKind.RULESET, drafts.tea_ruleset(v, "2026-03-01"), drafts.tea_tests())
        for v in ("2026.1", "2026.2")
    ]
    for iri in iris:
        await _step(empty_hub, "test", iri)
    results = await asyncio.gather(*(_step(empty_hub, "publish", iri) for iri in iris), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(f, InvalidInput | OperationalError) for f in failures), failures
    async with empty_hub.sessions() as session:
        statuses = list(
            await session.scalars(
                select(DocumentVersion.status).where(DocumentVersion.status == DocumentStatus.PUBLISHED)
            )
        )
        assert (await audit.verify_chain(session)).ok
    assert len(statuses) == 1

"""Use cases of the standards team: draft a rule set or a mapping, test it with its own cases, publish it.

Each validates with the real engine first, runs in the caller's transaction, and raises InvalidInput (every
problem naming its field, line, column and reason) before writing anything. Every step is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import clock_of
from hub.db.models import DocumentVersion
from hub.documents import mappings, rulesets
from hub.documents.positions import issue_errors
from hub.documents.report import TestReport
from hub.domain.documents import DocumentKind, DocumentStatus, version_key
from hub.services import audit
from hub.services.origin import Origin, new_iri
from hub.services.published import documents_of, mapping_texts, published_versions, ruleset_texts
from hub.services.store import add_new
from hub.validation import FieldError, InvalidInput
from rules_engine import LoadError

# A rule set or a mapping is a few kilobytes of YAML (the largest shipped one is about 14 kB): its text and its
# tests are bounded before they are parsed, whatever the HTTP body limit is.
MAX_DOCUMENT_CHARS = 256 * 1024
TESTS_FIELD = {DocumentKind.RULESET: "$.tests", DocumentKind.MAPPING: "$.cases"}


def _refuse(field: str, reason: str) -> InvalidInput:
    return InvalidInput([FieldError(field, reason)])


async def _stored_versions(
    session: AsyncSession, kind: DocumentKind, document_id: str, lock: bool = False
) -> list[DocumentVersion]:
    """The document's versions in the database; with `lock`, written to first (a no-op) so that the transaction
    holds their write lock until it ends, then read afresh: two publications of one document run one after the
    other. (A write, not SELECT ... FOR UPDATE: SQLite has no row locks and starts no transaction on reads.)"""
    mine = (DocumentVersion.kind == kind, DocumentVersion.document_id == document_id)
    if lock:
        noop = update(DocumentVersion).where(*mine).values(status=DocumentVersion.status)
        await session.execute(noop.execution_options(synchronize_session=False))
    stmt = select(DocumentVersion).where(*mine).execution_options(populate_existing=True)
    return list(await session.scalars(stmt))


def _shipped_versions(session: AsyncSession, kind: DocumentKind, document_id: str) -> list[str]:
    if kind is DocumentKind.RULESET:
        return documents_of(session).rulesets.versions(document_id)
    return mappings.shipped_versions(document_id)


# -- create -------------------------------------------------------------------------------------------


async def create_draft(
    session: AsyncSession, kind: DocumentKind, content: str, tests: str | None, origin: Origin, base_iri: str
) -> DocumentVersion:
    """Store a draft whose text the engine accepts; `tests` is a tests.yaml (rule set) or a YAML/JSON list
    of golden cases {name, input, expected} (mapping)."""
    if not content.strip():
        raise _refuse("$.content", "is required")
    _bounded("$.content", content)
    if tests is not None:
        _bounded(TESTS_FIELD[kind], tests)
    if kind is DocumentKind.RULESET:
        document_id, version = await _check_ruleset(session, content, tests)
    else:
        document_id, version = _check_mapping(content, tests)
    stored = await _stored_versions(session, kind, document_id)
    if version in [*(v.version for v in stored), *_shipped_versions(session, kind, document_id)]:
        raise _refuse("$.content", f"{kind.value} {document_id} already has version {version}; a draft needs a new one")
    draft = DocumentVersion(
        iri=new_iri(base_iri, "document-version"),
        kind=kind,
        document_id=document_id,
        version=version,
        status=DocumentStatus.DRAFT,
        content=content,
        tests=tests,
    )
    return await add_new(session, draft, origin, {"kind": kind.value, "document": document_id, "version": version})


def _bounded(field: str, text: str) -> None:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise _refuse(field, f"is {len(text):,} characters long; at most {MAX_DOCUMENT_CHARS:,} are accepted")


async def _check_ruleset(session: AsyncSession, content: str, tests: str | None) -> tuple[str, str]:
    shipped = documents_of(session).rulesets
    source, issues = rulesets.read_draft(shipped, content, tests)
    if source is None or issues:
        raise InvalidInput(issue_errors(issues, shipped.root))
    published = ruleset_texts(await published_versions(session, DocumentKind.RULESET))
    issues = rulesets.check(shipped, source, published)
    if issues:
        raise InvalidInput(issue_errors(issues, shipped.root))
    return source.id, source.version


def _check_mapping(content: str, tests: str | None) -> tuple[str, str]:
    mapper = mappings.compile_draft(content)
    if tests is not None:
        mappings.read_cases(_cases(tests))
    return mapper.iri, mapper.version


def _cases(tests: str) -> Any:
    return mappings.parse_cases(tests)


# -- test ---------------------------------------------------------------------------------------------


async def test_draft(session: AsyncSession, draft: DocumentVersion, origin: Origin) -> DocumentVersion:
    """Run the draft's own test cases with the real engine and store the report; the draft is `tested` only
    when every case passes (a failing case is reported, not refused: the report is what the team needs)."""
    if draft.status not in (DocumentStatus.DRAFT, DocumentStatus.TESTED):
        raise _refuse("$.id", f"is {draft.status.value}; only a draft is tested")
    if not (draft.tests or "").strip():
        raise _refuse(TESTS_FIELD[draft.kind], "the draft has no test cases; create a new version with some")
    report = await _run(session, draft)
    if report.passed + report.failed == 0:
        raise _refuse(TESTS_FIELD[draft.kind], "the draft has no test cases; create a new version with some")
    draft.test_report = report.to_dict()
    draft.status = DocumentStatus.TESTED if report.all_passed else DocumentStatus.DRAFT
    await session.flush()
    detail = {"passed": report.passed, "failed": report.failed, "status": draft.status.value}
    await audit.record(session, origin.actor, "test", "DocumentVersion", draft.iri, detail)
    return draft


async def _run(session: AsyncSession, draft: DocumentVersion) -> TestReport:
    if draft.kind is DocumentKind.MAPPING:
        return mappings.run_cases(mappings.compile_draft(draft.content), mappings.read_cases(_cases(draft.tests or "")))
    shipped = documents_of(session).rulesets
    source, issues = rulesets.read_draft(shipped, draft.content, draft.tests)
    if source is None or issues:
        raise InvalidInput(issue_errors(issues, shipped.root))
    published = ruleset_texts(await published_versions(session, DocumentKind.RULESET))
    try:
        return rulesets.run_tests(shipped, source, published)
    except LoadError as error:  # what was published since the draft was made may clash with it
        raise InvalidInput(issue_errors(error.issues, shipped.root)) from None


# -- publish ------------------------------------------------------------------------------------------


async def publish(session: AsyncSession, draft: DocumentVersion, origin: Origin) -> DocumentVersion:
    """Publish a tested draft whose version is above every published one; the version it replaces retires."""
    stored = await _stored_versions(session, draft.kind, draft.document_id, lock=True)
    if draft.status is not DocumentStatus.TESTED:
        reason = f"is {draft.status.value}; only a tested draft is published (run testDraft until every case passes)"
        raise _refuse("$.id", reason)
    published = [v.version for v in stored if v.status in (DocumentStatus.PUBLISHED, DocumentStatus.RETIRED)]
    published += _shipped_versions(session, draft.kind, draft.document_id)
    higher = [v for v in published if (version_key(v) or ()) >= (version_key(draft.version) or ())]
    if higher:
        top = max(higher, key=lambda v: version_key(v) or ())
        raise _refuse("$.id", f"version {draft.version} is not above published version {top}")
    await _check_effective(session, draft)
    previous = next((v for v in stored if v.status is DocumentStatus.PUBLISHED), None)
    if previous is not None:
        previous.status = DocumentStatus.RETIRED
        draft.supersedes_id = previous.id
    draft.status = DocumentStatus.PUBLISHED
    draft.published_at = clock_of(session).now()
    await session.flush()
    if previous is not None:
        await audit.record(session, origin.actor, "retire", "DocumentVersion", previous.iri, {"by": draft.iri})
    detail = {"document": draft.document_id, "version": draft.version, "supersedes": previous and previous.iri}
    await audit.record(session, origin.actor, "publish", "DocumentVersion", draft.iri, detail)
    return draft


async def _check_effective(session: AsyncSession, draft: DocumentVersion) -> None:
    """The registry or catalog in force once the draft is published must load, or nothing is published."""
    rows = [*await published_versions(session, draft.kind), draft]
    shipped = documents_of(session).rulesets
    try:
        if draft.kind is DocumentKind.RULESET:
            rulesets.registry(shipped, ruleset_texts(rows))
        else:
            mappings.catalog(mapping_texts(rows))
    except LoadError as error:
        raise InvalidInput(issue_errors(error.issues, shipped.root)) from None

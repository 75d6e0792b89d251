"""The standards team's workflow in GraphQL: draft a rule set or a mapping, test it, publish it; and read the
versions. Resolvers decode input, run a service in one unit of work (`mutations._write`), map the result."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.api.context import Context
from hub.api.mutations import FieldErrorType, Work, _write
from hub.api.types import DocumentVersion, view, views
from hub.db import models as m
from hub.domain.documents import DocumentKind, DocumentStatus
from hub.policy.access import Access
from hub.queries import filters
from hub.queries.records import fetch
from hub.queries.targets import target
from hub.services import documents
from hub.services.origin import Origin
from hub.validation import FieldError, InvalidInput


@strawberry.type
class DocumentVersionPayload:
    document_version: DocumentVersion | None
    errors: list[FieldErrorType]


async def _run(info: Info[Context, None], mutation: str, work: Work) -> DocumentVersionPayload:
    record, errors = await _write(info, mutation, work)
    version = None if record is None else view(DocumentVersion, record)
    return DocumentVersionPayload(document_version=version, errors=errors)


def _create(info: Info[Context, None], kind: DocumentKind, content: str, tests: str | None) -> Work:
    async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
        base = info.context.hub.settings.base_iri
        return (await documents.create_draft(session, kind, content, tests, origin, base)).iri

    return work


E = TypeVar("E", bound=StrEnum)


def _code(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise InvalidInput([FieldError(field, f"is not one of {known}: {value!r}")]) from None


@strawberry.type
class StandardsQuery:
    @strawberry.field(description="Versions of rule sets and mappings made through the API, as the caller may read.")
    async def document_versions(
        self,
        info: Info[Context, None],
        kind: str | None = None,
        document_id: str | None = None,
        status: str | None = None,
    ) -> list[DocumentVersion]:
        model = m.DocumentVersion
        where = await filters.equal_to(
            info.context.reader,
            "DocumentVersion",
            document_id=document_id,
            kind=None if kind is None else _code(DocumentKind, kind, "$.kind"),
            status=None if status is None else _code(DocumentStatus, status, "$.status"),
        )
        order = [model.kind, model.document_id, model.id]
        return views(DocumentVersion, await fetch(info.context.reader, "DocumentVersion", *where, order_by=order))


@strawberry.type
class StandardsMutation:
    @strawberry.mutation(description="Store a draft rule set (YAML) and its test cases (tests.yaml text).")
    async def create_draft_rule_set(
        self, info: Info[Context, None], content: str, tests: str | None = None
    ) -> DocumentVersionPayload:
        return await _run(info, "createDraftRuleSet", _create(info, DocumentKind.RULESET, content, tests))

    @strawberry.mutation(description="Store a draft mapping (YAML) and its golden cases [{name, input, expected}].")
    async def create_draft_mapping(
        self, info: Info[Context, None], content: str, cases: JSON | None = None
    ) -> DocumentVersionPayload:
        tests = None if cases is None else json.dumps(cases, ensure_ascii=False, indent=1)
        return await _run(info, "createDraftMapping", _create(info, DocumentKind.MAPPING, content, tests))

    @strawberry.mutation(description="Run a draft's own test cases; it becomes tested when every case passes.")
    async def test_draft(self, info: Info[Context, None], id: strawberry.ID) -> DocumentVersionPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            draft = await target(session, access, "testDraft", m.DocumentVersion, id, "$.id")
            return (await documents.test_draft(session, draft, origin)).iri

        return await _run(info, "testDraft", work)

    @strawberry.mutation(description="Publish a tested draft; the version it replaces retires.")
    async def publish_draft(self, info: Info[Context, None], id: strawberry.ID) -> DocumentVersionPayload:
        async def work(session: AsyncSession, access: Access, origin: Origin) -> str:
            draft = await target(session, access, "publishDraft", m.DocumentVersion, id, "$.id")
            return (await documents.publish(session, draft, origin)).iri

        return await _run(info, "publishDraft", work)

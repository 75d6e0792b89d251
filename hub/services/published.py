"""The published rule sets and mappings in force: the shipped files plus the versions published through the
API (hub/services/documents.py), as one registry and one catalog.

Both are rebuilt when the set of published versions changes and reused otherwise: the key is the ids and
statuses of the published (and retired) versions, read in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import DocumentVersion
from hub.documents import mappings, rulesets
from hub.domain.documents import DocumentKind, DocumentStatus
from hub.mapping.catalog import Catalog
from rules_engine import Registry

ONCE_PUBLISHED = (DocumentStatus.PUBLISHED, DocumentStatus.RETIRED)

_built: dict[tuple[Any, ...], Any] = {}


async def published_versions(session: AsyncSession, kind: DocumentKind) -> list[DocumentVersion]:
    """Every version of `kind` ever published (retired ones too), in publishing order."""
    stmt = (
        select(DocumentVersion)
        .where(DocumentVersion.kind == kind, DocumentVersion.status.in_(ONCE_PUBLISHED))
        .order_by(DocumentVersion.published_at, DocumentVersion.id)
    )
    return list(await session.scalars(stmt))


def ruleset_texts(rows: Sequence[DocumentVersion]) -> list[rulesets.Text]:
    return [rulesets.Text(r.document_id, r.version, r.content, r.tests) for r in rows]


def mapping_texts(rows: Sequence[DocumentVersion]) -> list[mappings.Text]:
    return [mappings.Text(r.document_id, r.version, r.content) for r in rows]


def _key(kind: DocumentKind, rows: Sequence[DocumentVersion]) -> tuple[Any, ...]:
    return (kind, *((r.id, r.version) for r in rows))


def _bound() -> None:
    if len(_built) > 8:  # a long-running hub keeps only the recent ones
        _built.clear()


async def effective_registry(session: AsyncSession) -> Registry:
    """The rule-set registry in force: shipped rule sets plus published versions (see hub/documents/rulesets)."""
    rows = await published_versions(session, DocumentKind.RULESET)
    key = _key(DocumentKind.RULESET, rows)
    if key not in _built:
        _bound()
        _built[key] = rulesets.registry(ruleset_texts(rows))
    return _built[key]  # type: ignore[no-any-return]


async def effective_catalog(session: AsyncSession) -> Catalog:
    """The mapping catalog in force: shipped mappings plus published versions (the highest version wins)."""
    rows = await published_versions(session, DocumentKind.MAPPING)
    key = _key(DocumentKind.MAPPING, rows)
    if key not in _built:
        _bound()
        _built[key] = mappings.catalog(mapping_texts(rows))
    return _built[key]  # type: ignore[no-any-return]

"""The published rule sets and mappings in force: the shipped files plus the versions published through the
API (hub/services/documents.py), as one registry and one catalog.

Each hub owns one `PublishedDocuments` (`Hub.documents`, wired in hub/bootstrap.py), so two hubs in one
process never share what they built. Within a hub, the registry (or catalog) is rebuilt when the published
versions change and reused otherwise: the cache key is the very texts the builder reads (document id,
version, content, tests), so an entry can only ever be reused for identical input.

Services that receive only a session reach their hub's instance through it (`documents_of`): the hub's
sessionmaker puts it in every session's `info`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.config import Settings
from hub.db.models import DocumentVersion
from hub.decisions.registry import ShippedRuleSets
from hub.documents import mappings, rulesets
from hub.domain.documents import DocumentKind, DocumentStatus
from hub.mapping.catalog import Catalog
from rules_engine import Registry

ONCE_PUBLISHED = (DocumentStatus.PUBLISHED, DocumentStatus.RETIRED)
DOCUMENTS_KEY = "cfhub.documents"

T = TypeVar("T")


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


class _Recent(Generic[T]):
    """The few most recently built values, by the input they were built from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, T] = OrderedDict()

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        if key in self.items:
            self.items.move_to_end(key)
        else:
            self.items[key] = build()
            if len(self.items) > self.size:  # a long-running hub keeps only the recent ones
                self.items.popitem(last=False)
        return self.items[key]


class PublishedDocuments:
    """One hub's registry and catalog in force, built from its own database's published versions over its own
    shipped rule sets (`rulesets`, from the hub's settings)."""

    def __init__(self, rulesets: ShippedRuleSets, size: int = 4) -> None:
        self.rulesets = rulesets
        self._registries: _Recent[Registry] = _Recent(size)
        self._catalogs: _Recent[Catalog] = _Recent(size)

    async def registry(self, session: AsyncSession) -> Registry:
        """The rule-set registry in force: shipped rule sets plus published versions (hub/documents/rulesets)."""
        texts = tuple(ruleset_texts(await published_versions(session, DocumentKind.RULESET)))
        return self._registries.get_or_build(texts, lambda: rulesets.registry(self.rulesets, list(texts)))

    async def catalog(self, session: AsyncSession) -> Catalog:
        """The mapping catalog in force: shipped mappings plus published versions (the highest version wins)."""
        texts = tuple(mapping_texts(await published_versions(session, DocumentKind.MAPPING)))
        return self._catalogs.get_or_build(texts, lambda: mappings.catalog(list(texts)))


def documents_of(session: AsyncSession) -> PublishedDocuments:
    """The published documents of the hub whose sessionmaker made `session`.

    A session made outside a hub gets a fresh, empty cache over the installation's rule sets (the default
    settings): correct, only not reused."""
    found = session.info.get(DOCUMENTS_KEY)
    if isinstance(found, PublishedDocuments):
        return found
    return PublishedDocuments(ShippedRuleSets(Settings().rulesets_dir))


async def effective_registry(session: AsyncSession) -> Registry:
    """The registry in force for the hub of `session` (see `PublishedDocuments.registry`)."""
    return await documents_of(session).registry(session)


async def effective_catalog(session: AsyncSession) -> Catalog:
    """The catalog in force for the hub of `session` (see `PublishedDocuments.catalog`)."""
    return await documents_of(session).catalog(session)

"""No process-wide state: two hubs in one process (two databases) never see each other's published rule sets
or mappings, schema or clock. Each builds and caches its own (`Hub.documents`, `Hub.schema`, `Hub.clock`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import yaml
from sqlalchemy import select

from hub.bootstrap import Hub, open_hub
from hub.clock import FixedClock
from hub.config import Settings
from hub.db.models import AuditEvent, DocumentVersion
from hub.domain.documents import DocumentKind
from hub.services import documents
from hub.services.origin import Origin
from hub.services.published import effective_catalog, effective_registry
from hub.services.uow import unit_of_work
from tests import databases, drafts

TEAM = Origin(actor="https://test.example/org/standards")
BASE = "https://test.example/id/"
FACTS = yaml.safe_load((drafts.TEA / "tests.yaml").read_text(encoding="utf-8"))["facts"]


async def _publish(hub: Hub, kind: DocumentKind, content: str, tests: str | None) -> None:
    async with unit_of_work(hub.sessions) as session:
        draft = await documents.create_draft(session, kind, content, tests, TEAM, BASE)
    for step in (documents.test_draft, documents.publish):
        async with unit_of_work(hub.sessions) as session:
            found = await session.scalar(select(DocumentVersion).where(DocumentVersion.iri == draft.iri))
            assert found is not None
            await step(session, found, TEAM)


async def _tea_version_in_force(hub: Hub, on: str) -> str:
    async with hub.sessions() as session:
        registry = await effective_registry(session)
    decision = registry.decide("label_grade", "ZJ", FACTS, date.fromisoformat(on)).to_dict()
    return str(decision["chain"][-1]["version"])


def _two_hubs(templates: databases.Templates) -> tuple[Hub, Hub]:
    return tuple(  # type: ignore[return-value]
        open_hub(Settings(database_url=templates.fresh("migrated", databases.migrated))) for _ in range(2)
    )


async def test_a_rule_set_published_on_one_hub_is_not_in_force_on_another(templates: databases.Templates) -> None:
    a, b = _two_hubs(templates)
    try:
        # the same row ids and version numbers on both databases, different content: A's version takes effect
        # in March, B's in September
        await _publish(a, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests())
        assert await _tea_version_in_force(a, "2026-06-01") == "2026.1"
        await _publish(b, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-09-01"), drafts.tea_tests())
        assert await _tea_version_in_force(b, "2026-06-01") == "2025.1", "B decided with A's published version"
        assert await _tea_version_in_force(b, "2026-09-01") == "2026.1"
        assert await _tea_version_in_force(a, "2026-06-01") == "2026.1"
    finally:
        await a.close()
        await b.close()


async def test_a_mapping_published_on_one_hub_is_not_in_force_on_another(templates: databases.Templates) -> None:
    a, b = _two_hubs(templates)
    try:
        async with b.sessions() as session:
            assert (await effective_catalog(session)).get("yrd").version == "1.0.0"
        content = drafts.yrd_mapping("1.1.0")
        await _publish(a, DocumentKind.MAPPING, content, yaml.safe_dump(drafts.yrd_cases(content)))
        for hub, expected in ((a, "1.1.0"), (b, "1.0.0")):
            async with hub.sessions() as session:
                assert (await effective_catalog(session)).get("yrd").version == expected
    finally:
        await a.close()
        await b.close()


async def test_each_hub_builds_its_own_schema(templates: databases.Templates) -> None:
    a, b = _two_hubs(templates)
    try:
        assert a.schema is a.schema, "built once per hub"
        assert a.schema is not b.schema
    finally:
        await a.close()
        await b.close()


async def test_each_hub_keeps_its_own_clock(templates: databases.Templates) -> None:
    url = templates.fresh("migrated", databases.migrated)
    fixed = open_hub(Settings(database_url=url), clock=FixedClock(datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)))
    system = open_hub(Settings(database_url=templates.fresh("migrated", databases.migrated)))
    try:
        for hub in (fixed, system):
            await _publish(hub, DocumentKind.RULESET, drafts.tea_ruleset("2026.1", "2026-03-01"), drafts.tea_tests())
        stamps = {}
        for name, hub in (("fixed", fixed), ("system", system)):
            async with hub.sessions() as session:
                stamps[name] = (
                    set(await session.scalars(select(AuditEvent.at))),
                    set(await session.scalars(select(DocumentVersion.published_at))),
                )
    finally:
        await fixed.close()
        await system.close()
    events, published = stamps["fixed"]
    assert {e.replace(tzinfo=None) for e in events} == {datetime(2031, 5, 6, 7, 8, 9)}
    assert {p.replace(tzinfo=None) for p in published if p} == {datetime(2031, 5, 6, 7, 8, 9)}
    events, _ = stamps["system"]
    assert all(e.year < 2031 for e in events), "the other hub keeps the system clock"

"""Decisions in the hub: every demo footprint is decided, stored with its trace and rule-set version."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.cli import main
from hub.config import Settings
from hub.db.models import Decision, Footprint, Organization
from hub.decisions.facts import footprint_facts
from hub.decisions.registry import ShippedRuleSets
from hub.domain.codes import FootprintStatus, Region, SourceKind
from hub.exchange.documents import footprint_documents
from hub.services.decisions import decide_footprints, decision_kinds
from hub.services.origin import Origin
from hub.services.uow import unit_of_work

EXPECTED_KINDS = [("label_grade", "ZJ"), ("recognition", "GBA"), ("recognition", "INTL"), ("recognition", "YRD")]


def test_the_hub_decides_a_label_grade_and_recognition_for_three_regions() -> None:
    registry = ShippedRuleSets(Settings().rulesets_dir).registry()
    assert decision_kinds(registry, date(2026, 1, 1)) == EXPECTED_KINDS


async def test_every_demo_footprint_has_its_decisions_with_trace_and_version(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        footprints = (
            await session.execute(
                select(Footprint.id, Footprint.status, Organization.accreditation).outerjoin(
                    Organization, Organization.id == Footprint.verifier_id
                )
            )
        ).all()
        decisions = list(await session.scalars(select(Decision)))
    by_footprint: dict[int, list[Decision]] = {}
    for d in decisions:
        by_footprint.setdefault(d.footprint_id, []).append(d)
    unaccredited = 0
    for footprint_id, status, accreditation in footprints:
        made = by_footprint[footprint_id]
        assert sorted((d.kind, d.jurisdiction.value) for d in made) == EXPECTED_KINDS
        for d in made:
            assert d.ruleset_id and d.ruleset_version and d.chain, "a decision names the rule sets that made it"
            assert d.trace["trace"], "a decision carries its trace"
            assert d.status == "decided"
        label = next(d for d in made if d.kind == "label_grade")
        if status in (FootprintStatus.VERIFIED, FootprintStatus.PUBLISHED) and accreditation:
            assert label.grade in {"A", "B", "C", "D", "E"} and 0 <= (label.score or 0) <= 100
        elif status in (FootprintStatus.VERIFIED, FootprintStatus.PUBLISHED):  # issue 10: accredited verifier only
            assert (label.passed, label.grade, label.outcome["reasons"]) == (False, None, ["verifier_accredited"])
            unaccredited += 1
        else:
            assert (label.passed, label.grade) == (False, None)
            assert "verified" in label.outcome["reasons"]
    assert unaccredited == 1, "the demo's battery-gba-1 is verified by the unaccredited consultancy"


async def test_grades_follow_the_category_distribution(demo_hub: Hub) -> None:
    # Within one benchmark, a lower footprint never gets a worse grade or a lower score.
    async with demo_hub.sessions() as session:
        rows = (
            await session.execute(
                select(Footprint.total_kgco2e, Decision.grade, Decision.score)
                .join(Decision, Decision.footprint_id == Footprint.id)
                .where(Decision.kind == "label_grade", Decision.grade.is_not(None), Footprint.declared_unit == "kWh")
            )
        ).all()
    rows.sort()
    assert len(rows) >= 20
    grades = [g for _, g, _ in rows]
    scores = [s for _, _, s in rows]
    assert grades == sorted(grades) and scores == sorted(scores, reverse=True)
    assert grades[0] == "A" and grades[-1] == "E"


async def test_a_missing_input_gives_a_decision_that_says_so(demo_hub: Hub) -> None:
    async with unit_of_work(demo_hub.sessions) as session:
        footprint = await session.scalar(
            select(Footprint).where(Footprint.status == FootprintStatus.PUBLISHED).limit(1)
        )
        assert footprint is not None
        footprint.dqr_temporal = None
        await session.flush()
        made = await decide_footprints(
            session,
            demo_hub.rulesets.registry(),
            [footprint.id],
            date(2026, 1, 1),
            Origin(actor="test", source=SourceKind.SYSTEM),
            demo_hub.settings.base_iri,
        )
    yrd = next(d for d in made if d.kind == "recognition" and d.jurisdiction is Region.YRD)
    assert yrd.status == "undetermined"
    assert "fp.dqr_worst" in yrd.trace["missing_inputs"] or "fp.dqr_temporal" in yrd.trace["missing_inputs"]


async def test_facts_read_what_the_document_says(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        fid = await session.scalar(select(func.min(Footprint.id)).where(Footprint.status == FootprintStatus.PUBLISHED))
        [doc] = await footprint_documents(session, [fid])  # type: ignore[list-item]
    facts = footprint_facts(doc, date(2026, 6, 30), {"p10": 1.0, "p90": 2.0, "n": 10})
    fp = facts["fp"]
    assert fp["total_kgco2e"] == doc["total_kgco2e"]
    assert fp["verified"] is True and fp["verifier_accredited"] is True
    assert fp["reference_year"] == 2024 and fp["within_validity"] is True
    assert abs(fp["age_years"] - 1.5) < 0.01
    assert facts["benchmark"] == {"p10": 1.0, "p90": 2.0, "n": 10}
    late = footprint_facts(doc, date(2028, 1, 1), {})
    assert late["fp"]["within_validity"] is False, "PACT v3: valid 3 years after the reference period ends"


def test_rules_explain_a_footprint_of_the_hub(demo_db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from hub.bootstrap import open_hub
    from tests.conftest import settings_for

    async def first_published() -> str:
        hub = open_hub(settings_for(demo_db_url))
        async with hub.sessions() as session:
            iri = await session.scalar(select(Footprint.iri).where(Footprint.status == FootprintStatus.PUBLISHED))
        await hub.close()
        assert iri
        return iri

    iri = asyncio.run(first_published())
    monkeypatch.setenv("CFHUB_DATABASE_URL", demo_db_url)
    result = CliRunner().invoke(main, ["rules", "explain", "recognition-yrd", iri, "--on", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "recognition / YRD" in result.output and "outcome: eligible = true" in result.output
    zh = CliRunner().invoke(main, ["rules", "explain", "recognition-yrd", iri, "--lang", "zh"])
    assert "判定" in zh.output
    missing = CliRunner().invoke(main, ["rules", "explain", "recognition-yrd", "https://nowhere.example/fp/1"])
    assert missing.exit_code == 1 and "no footprint https://nowhere.example/fp/1" in missing.output

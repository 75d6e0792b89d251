"""Use case: decide label grades and mutual-recognition eligibility for footprints, and store each decision
with its trace and the rule-set version that made it. Grades and eligibility come from here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.accounting.normalise import normalised_document, per_category_unit
from hub.db.models import Decision, Footprint, Product, ProductCategory
from hub.decisions.facts import BenchmarkKey, benchmark_key, footprint_facts
from hub.domain.codes import Region, SourceKind
from hub.exchange.documents import footprint_documents
from hub.quality.service import KIND as QUALITY
from hub.quality.service import check_footprints, label_facts
from hub.queries.current import benchmarked
from hub.services.origin import Origin, new_iri
from hub.units import units_of
from rules_engine import Registry
from rules_engine.benchmarks import benchmarks_by_group


def decision_kinds(registry: Registry, on: date) -> list[tuple[str, str]]:
    """(kind, jurisdiction) of every published general rule set in force: what the hub decides per footprint and
    stores as a decision. Data quality (kind `quality`) is checked before them and stored on its own (hub/quality)."""
    kinds = {
        (r["kind"], r["jurisdiction"])
        for r in registry.rulesets()
        if r["layer"] == "general"
        and r["kind"] != QUALITY
        and r["status"] == "published"
        and date.fromisoformat(r["effective_from"]) <= on
        and (r["effective_until"] is None or on < date.fromisoformat(r["effective_until"]))
    }
    return sorted(kinds)


async def category_benchmarks(session: AsyncSession) -> dict[BenchmarkKey, dict[str, Any]]:
    """Percentiles of the published footprints per category, declared unit and reference year, each footprint
    per one of its category's declared unit; each product counts once, with its newest published footprint
    (older versions are retired: hub/queries/current.py)."""
    rows = (
        await session.execute(
            select(
                ProductCategory.code,
                Footprint.declared_unit,
                Footprint.declared_unit_amount,
                Footprint.reference_period_end,
                Footprint.total_kgco2e,
            )
            .select_from(Footprint)
            .join(Product, Product.id == Footprint.product_id)
            .join(ProductCategory, ProductCategory.id == Product.category_id)
            .where(benchmarked())
        )
    ).all()
    units = units_of(session)
    normalised = [
        (code, per_category_unit(units, code, unit, amount, total), end) for code, unit, amount, end, total in rows
    ]
    keys = [(code, unit, end.year) for code, (_, unit), end in normalised]
    return benchmarks_by_group(keys, [total for _, (total, _), _ in normalised])


async def facts_of_footprint(session: AsyncSession, iri: str, on: date) -> dict[str, Any]:
    """The facts a rule set reads about the footprint `iri`, as of `on` (for explanations)."""
    footprint_id = await session.scalar(select(Footprint.id).where(Footprint.iri == iri))
    if footprint_id is None:
        raise LookupError(f"no footprint {iri} on this hub")
    [doc] = [normalised_document(units_of(session), d) for d in await footprint_documents(session, [footprint_id])]
    benchmarks = await category_benchmarks(session)
    return footprint_facts(doc, on, benchmarks.get(benchmark_key(doc), {"n": 0}))


async def decide_footprints(
    session: AsyncSession, registry: Registry, footprint_ids: Sequence[int], on: date, origin: Origin, base_iri: str
) -> list[Decision]:
    """Decide every kind the rule sets publish for each footprint; store and return the decisions. Data quality
    is checked first and stored on its own (hub/quality); the label rules read its status."""
    # grades and benchmarks compare kgCO2e per one of the category's declared unit (hub/accounting/normalise.py)
    documents = [normalised_document(units_of(session), d) for d in await footprint_documents(session, footprint_ids)]
    rows = await session.execute(select(Footprint.iri, Footprint.id).where(Footprint.id.in_(footprint_ids)))
    ids = {iri: footprint_id for iri, footprint_id in rows}
    benchmarks = await category_benchmarks(session)
    kinds = decision_kinds(registry, on)
    quality = await check_footprints(session, registry, footprint_ids, on, origin, base_iri)
    stored: list[Decision] = []
    for doc in documents:
        facts = footprint_facts(doc, on, benchmarks.get(benchmark_key(doc), {"n": 0}))
        footprint_id = ids[doc["iri"]]
        if footprint_id in quality:
            facts["quality"] = label_facts(quality[footprint_id])
        for kind, jurisdiction in kinds:
            decision = registry.decide(kind, jurisdiction, facts, on)
            stored.append(_row(decision.to_dict(), decision.passed_key, footprint_id, origin, base_iri))
    session.add_all(stored)
    await session.flush()
    return stored


def _row(result: dict[str, Any], passed_key: str, footprint_id: int, origin: Origin, base_iri: str) -> Decision:
    ruleset = result["ruleset"]
    outcome = result["outcome"]
    row = Decision(
        iri=new_iri(base_iri, "decision"),
        footprint_id=footprint_id,
        kind=result["kind"],
        jurisdiction=Region(result["jurisdiction"]),
        decided_on=date.fromisoformat(result["on"]),
        status=result["status"],
        outcome=outcome,
        grade=outcome.get("grade"),
        score=outcome.get("score"),
        passed=outcome.get(passed_key),
        chain=result["chain"],
        trace=result,
    )
    replace(origin, ruleset_id=ruleset["id"], ruleset_version=ruleset["version"]).stamp(row)
    return row


async def decide_after_change(
    session: AsyncSession, footprint: Footprint, origin: Origin, base_iri: str, today: date
) -> None:
    """A footprint was verified, published or withdrawn: decide it again, as of `today`, by the system."""
    from hub.services.published import effective_registry

    system = Origin(
        actor=f"{base_iri}system", source=SourceKind.SYSTEM, source_ref=f"after {origin.actor}", clock=origin.clock
    )
    await session.flush()
    # the rule sets in force: the shipped ones and any version a standards team has published since
    registry = await effective_registry(session)
    await decide_footprints(session, registry, [footprint.id], today, system, base_iri)

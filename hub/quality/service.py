"""Use case: check the data quality of footprints with the `quality` rule sets and store the findings.

Called where decisions are made (hub/services/decisions.py `decide_footprints`: on verify, publish, withdraw,
regrade and the demo load), before the label rules, which read the stored status (`quality.failed`); after the
commit of a submission or a recomputation (hub/quality/after_commit.py: in its own short unit of work, so the
check never holds the write lock of the transition); and by `cfhub quality check`. One query set for any number of
footprints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.accounting.normalise import normalised_document
from hub.db.models import QualityResult
from hub.decisions.facts import footprint_facts
from hub.exchange.documents import footprint_documents
from hub.policy.session import policy_of
from hub.quality import inputs, sources
from hub.quality.energy import shipped_words
from hub.quality.facts import normalised, quality_facts
from hub.quality.findings import findings, summary
from hub.quality.pedigree import shipped_matrix
from hub.services.origin import Origin, new_iri
from hub.units import units_of
from rules_engine import Registry

KIND = "quality"


def quality_jurisdictions(registry: Registry, on: date) -> list[str]:
    """Jurisdictions with a published general quality rule set in force on `on`."""
    return sorted(
        {
            r["jurisdiction"]
            for r in registry.rulesets()
            if r["kind"] == KIND
            and r["layer"] == "general"
            and r["status"] == "published"
            and date.fromisoformat(r["effective_from"]) <= on
            and (r["effective_until"] is None or on < date.fromisoformat(r["effective_until"]))
        }
    )


async def check_footprints(
    session: AsyncSession,
    registry: Registry,
    footprint_ids: Sequence[int],
    on: date,
    origin: Origin,
    base_iri: str,
) -> dict[int, QualityResult]:
    """Check each footprint, store one `QualityResult` per footprint and return them by footprint id. Outliers are
    scored under the minimum group of the hub's own policy (`policy_of`): one value for every caller."""
    jurisdictions = quality_jurisdictions(registry, on)
    if not footprint_ids or not jurisdictions:
        return {}
    units = units_of(session)
    found = await inputs.subjects(session, footprint_ids)
    previous = await inputs.previous_versions(session, found)
    peers = [normalised(units, p) for p in await inputs.peers(session, {s.category for s in found.values()})]
    documents = {d["iri"]: normalised_document(units, d) for d in await footprint_documents(session, list(found))}
    matrix, words, now = shipped_matrix(), shipped_words(), origin.clock.now()
    group = policy_of(session).minimum_group
    stored: dict[int, QualityResult] = {}
    for subject in found.values():
        fp = footprint_facts(documents[subject.record.iri], on, {})["fp"]
        facts: dict[str, Any] = {
            "fp": fp,
            "quality": quality_facts(
                subject, previous.get(subject.id), peers, units, matrix, words, group, fp.get("dqr")
            ),
            "source": _known(await sources.source_facts(session, subject.record)),
        }
        decision = registry.decide(KIND, jurisdictions[0], facts, on)
        found_rules = findings(decision)
        status, counts = summary(found_rules, decision.errors)
        row = QualityResult(
            iri=new_iri(base_iri, "quality-result"),
            footprint_id=subject.id,
            status=status,
            evaluated_at=now,
            summary=counts,
            findings=found_rules,
            chain=[r.to_dict() for r in decision.chain],
            facts={"quality": facts["quality"], "source": facts["source"]},
        )
        ruleset = decision.ruleset
        Origin(
            actor=origin.actor,
            source=origin.source,
            source_ref=origin.source_ref,
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            clock=origin.clock,
        ).stamp(row, now)
        stored[subject.id] = row
    session.add_all(stored.values())
    await session.flush()
    return stored


def _known(figures: dict[str, float]) -> dict[str, float]:
    """The provider's figures the rules know (rulesets/facts.yaml `source.*`); others are dropped."""
    return {k: v for k, v in figures.items() if k in sources.SOURCE_FACTS}


def label_facts(result: QualityResult) -> dict[str, Any]:
    """What the label rules read of a footprint's quality (`quality.status`, `quality.failed`)."""
    return {"status": result.status, "failed": result.status == "failure"}

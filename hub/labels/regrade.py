"""Re-grading is never silent: when the label rule sets in force change (a standards team published a new
version), the regulator first reads which labels in force would change grade, score or eligibility, and why (the
difference between the stored decision's outcome and the new one), computed by the batch evaluator over all the
labelled footprints at once; then applies it. Applying decides those footprints again (stored decisions with their
traces, one at a time, as always), gives each label the new grade in a `regrade` step of its history, and
suspends an issued label that is no longer eligible, with the reason. The enterprise reads both in the label's
history (`labelHistory`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Decision, Footprint, Label
from hub.decisions.facts import benchmark_key, footprint_facts
from hub.domain.codes import LabelStatus
from hub.exchange.documents import footprint_documents
from hub.labels import lifecycle
from hub.labels.machine import machine
from hub.quality.stored import newest_label_facts
from hub.services import decisions
from hub.services.origin import Origin
from hub.validation import FieldError, InvalidInput
from rules_engine import Registry

KIND, JURISDICTION = "label_grade", "ZJ"


@dataclass(frozen=True)
class Change:
    """One label whose grade, score or eligibility the rule sets in force would change."""

    label_iri: str
    footprint_iri: str
    status: str
    old: dict[str, Any]  # grade, score, eligible, rule set (id, version)
    new: dict[str, Any]  # grade, score, eligible
    why: dict[str, Any] = field(default_factory=dict)  # reasons added and removed, outcome entries changed


async def report(session: AsyncSession, registry: Registry, on: date) -> list[Change]:
    """Every label in force whose grade, score or eligibility `registry` would change as of `on`."""
    rows = (
        await session.execute(
            select(Label, Footprint.iri, Decision.outcome, Decision.passed)
            .join(Footprint, Footprint.id == Label.footprint_id)
            .outerjoin(Decision, Decision.id == Label.decision_id)
            .where(Label.status.in_(machine().in_force()))
            .order_by(Label.id)
        )
    ).all()
    if not rows:
        return []
    footprint_ids = list(dict.fromkeys(label.footprint_id for label, *_ in rows))
    documents = await footprint_documents(session, footprint_ids)
    benchmarks = await decisions.category_benchmarks(session)
    facts = [footprint_facts(doc, on, benchmarks.get(benchmark_key(doc), {"n": 0})) for doc in documents]
    quality = await newest_label_facts(session, footprint_ids)  # the stored data-quality status the rules read
    for doc, fact in zip(documents, facts, strict=True):
        if doc["iri"] in quality:
            fact["quality"] = quality[doc["iri"]]
    result = registry.decide_batch(KIND, JURISDICTION, facts, on)  # all the labelled footprints at once
    decided = dict(zip((doc["iri"] for doc in documents), result.records(), strict=True))
    changes = []
    for label, footprint_iri, old_outcome, old_passed in rows:
        record = decided[footprint_iri]
        outcome = record["outcome"]
        new = {"grade": outcome.get("grade"), "score": outcome.get("score"), "eligible": outcome.get(result.passed_key)}
        old = {
            "grade": label.grade,
            "score": label.score,
            "eligible": old_passed is not False,  # a label from before migration 0012 was eligible when made
            "ruleset": f"{label.decided_by_ruleset} {label.decided_by_ruleset_version}".strip(),
        }
        if _changed(old, new):
            why = _why(old_outcome or {}, outcome, record)
            changes.append(Change(label.iri, footprint_iri, label.status.value, old, new, why))
    return changes


def _changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Eligibility changed, or the label stays eligible with another grade or score (an ineligible label's grade
    is history: it does not change again)."""
    if old["eligible"] != new["eligible"]:
        return True
    return bool(new["eligible"]) and (old["grade"], old["score"]) != (new["grade"], new["score"])


def _why(old: dict[str, Any], new: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The difference of the two decisions: the checks that now fail or no longer fail, each outcome entry that
    changed (old, new), and any input the new rules need that the footprint lacks."""
    old_reasons, new_reasons = set(old.get("reasons") or []), set(new.get("reasons") or [])
    changed = {
        k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if k != "reasons" and old.get(k) != new.get(k)
    }
    return {
        "reasons_added": sorted(new_reasons - old_reasons),
        "reasons_removed": sorted(old_reasons - new_reasons),
        "outcome_changed": changed,
        "missing_inputs": record["missing_inputs"],
        "status": record["status"],
    }


async def apply(
    session: AsyncSession, registry: Registry, origin: Origin, base_iri: str, on: date, expect: int
) -> list[Change]:
    """Decide the changed labels' footprints again and give their labels the outcome (see the module doc), when
    the report still shows the `expect` changes the regulator read (else nothing is changed)."""
    changes = await report(session, registry, on)
    if len(changes) != expect:
        reason = f"must be the number of changes the report shows now ({len(changes)}): read labelRegradeReport again"
        raise InvalidInput([FieldError("$.expect", reason)])
    footprint_ids = list(
        dict.fromkeys(
            await session.scalars(select(Footprint.id).where(Footprint.iri.in_([c.footprint_iri for c in changes])))
        )
    )
    await decisions.decide_footprints(session, registry, footprint_ids, on, origin, base_iri)
    for change in changes:
        label = await session.scalar(select(Label).where(Label.iri == change.label_iri))
        assert label is not None
        decision = await lifecycle.newest_label_decision(session, label.footprint_id)
        assert decision is not None
        why = {"why": change.why, "old_ruleset": change.old["ruleset"]}
        if decision.passed:
            await lifecycle.regraded(session, label, decision, origin, base_iri, on, why)
            continue
        reasons = ", ".join(change.why["reasons_added"]) or change.why["status"]
        reason = f"no longer eligible under {decision.ruleset_id} {decision.ruleset_version}: {reasons}"
        await lifecycle.ineligible(session, label, decision, reason, origin, base_iri, on, {**why, "new": change.new})
        if label.status is LabelStatus.ISSUED:
            await lifecycle.change(session, label, "suspend", origin, base_iri, on, reason, {})
    return changes

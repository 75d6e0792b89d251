"""Re-grading is never silent, on a live hub: a standards team publishes a new version of the tea label rule set
under which tea declared per kg is no longer graded; the regulator reads the report (computed by the batch
evaluator over every labelled footprint at once: only the tea label changes, with why), applies it (only with
the count it read), and the tea enterprise reads the change and the suspension with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Role
from hub.bootstrap import Hub
from hub.db.models import Footprint, Label, Product
from hub.domain.documents import DocumentKind
from hub.services import documents
from hub.services.origin import Origin
from tests import databases
from tests.drafts import TEA, tea_ruleset
from tests.labels.conftest import LiveLabels, live_labels

REPORT = "{ labelRegradeReport { labelId footprintId status old new why } }"
APPLY = "mutation($n: Int!) { applyRegrade(expect: $n) { changes { labelId new } errors { path reason } } }"
HISTORY = "query($l: ID!) { labelHistory(labelId: $l) { step toStatus reason detail } }"


def _tests_for_tea_by_the_tonne() -> str:
    """The shipped cases, with the per-kg ones now expecting no grade."""
    text = (TEA / "tests.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "expect: {status: decided, outcome: {graded: true, reasons: [], grade: A, score: 100.0}}",
        "expect: {status: decided, outcome: {graded: false, reasons: [declared_unit_known]}}",
    )
    text = text.replace(
        "expect: {status: decided, outcome: {grade: E, score: 13.0}}",
        "expect: {status: decided, outcome: {graded: false}}",
    )
    # kg fails the unit check before the benchmark is read: decided, not undetermined
    undetermined = (
        "expect: {status: undetermined, outcome: {graded: null, grade: null}, "
        "missing_inputs: [benchmark.n, benchmark.p10, benchmark.p90]}"
    )
    return text.replace(undetermined, "expect: {status: decided, outcome: {graded: false, grade: null}}")


async def _publish_tea_by_the_tonne(session: AsyncSession, hub: Hub) -> dict[str, Any]:
    team = Origin(f"{hub.settings.base_iri}org/zj-standards")
    content = tea_ruleset("2026.1", "2026-01-01", condition='when: fp.declared_unit == "t"')
    draft = await documents.create_draft(
        session, DocumentKind.RULESET, content, _tests_for_tea_by_the_tonne(), team, hub.settings.base_iri
    )
    tested = await documents.test_draft(session, draft, team)
    assert tested.test_report and not tested.test_report["failed"], tested.test_report
    await documents.publish(session, tested, team)
    tea = await session.scalar(
        select(Label.iri).join(Footprint).join(Product).where(Product.model == "West Lake Longjing grade 1")
    )
    return {"tea": tea}


@pytest.fixture(scope="module")
def regraded(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLabels]:
    yield from live_labels(templates, Path(tmp_path_factory.mktemp("keys")), _publish_tea_by_the_tonne)


def test_the_regulator_reads_the_report_applies_it_and_the_enterprise_sees_why(regraded: LiveLabels) -> None:
    tea = regraded.made["tea"]
    for role in (Role.PUBLIC, Role.ENTERPRISE, Role.VERIFIER, Role.STANDARDS_TEAM):
        refused = regraded.call(role, REPORT)
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"], role

    [item] = regraded.call(Role.REGULATOR, REPORT)["data"]["labelRegradeReport"]
    assert (item["labelId"], item["status"]) == (tea, "issued")
    assert item["old"]["eligible"] is True and item["old"]["ruleset"].startswith("label-grade-zj-kp-04 ")
    assert item["new"] == {"grade": None, "score": None, "eligible": False}
    assert item["why"]["reasons_added"] == ["declared_unit_known"]
    assert item["why"]["outcome_changed"]["graded"] == [True, False]

    stale = regraded.call(Role.REGULATOR, APPLY, {"n": 2})["data"]["applyRegrade"]
    assert stale["errors"] == [
        {
            "path": "$.expect",
            "reason": "must be the number of changes the report shows now (1): read labelRegradeReport again",
        }
    ]
    assert regraded.call(Role.REGULATOR, REPORT)["data"]["labelRegradeReport"] == [item], "nothing was applied"
    assert [e["extensions"]["code"] for e in regraded.call(Role.ENTERPRISE, APPLY, {"n": 1})["errors"]] == ["FORBIDDEN"]

    applied = regraded.call(Role.REGULATOR, APPLY, {"n": 1})["data"]["applyRegrade"]
    assert applied["errors"] == [] and [c["labelId"] for c in applied["changes"]] == [tea]
    assert regraded.call(Role.REGULATOR, REPORT)["data"]["labelRegradeReport"] == [], "applied once, then quiet"

    history = regraded.call(Role.ENTERPRISE, HISTORY, {"l": tea}, org="zj-tea")["data"]["labelHistory"]
    reason = "no longer eligible under label-grade-zj-kp-04 2026.1: declared_unit_known"
    assert [(e["step"], e["toStatus"], e["reason"]) for e in history[-2:]] == [
        ("regrade", "issued", reason),
        ("suspend", "suspended", reason),
    ]
    assert history[-2]["detail"]["why"]["reasons_added"] == ["declared_unit_known"]
    # the public sees the suspension and its reason (not the detail)
    public = regraded.call(Role.PUBLIC, "query($l: ID!) { labelHistory(labelId: $l) { step reason } }", {"l": tea})
    assert public["data"]["labelHistory"][-1] == {"step": "suspend", "reason": reason}

"""Outside check: the 17 DMN TCK decision-table cases (51 test cases), imported with `import-dmn` and
decided by both evaluators. Read from ../shared/reference/dmn-tck (or $CFHUB_SHARED_DIR)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules_engine import Columns, compile_ruleset_text
from rules_engine.batch import evaluate_batch
from rules_engine.dmn import import_dmn, to_yaml
from rules_engine.dmn_tck import read_cases, tck_folders
from rules_engine.evaluate import evaluate
from rules_engine.facts import normalise
from rules_engine.testing import same

from .conftest import shared_dir

TCK = shared_dir() / "reference" / "dmn-tck"
FOLDERS = tck_folders(TCK) if TCK.exists() else []
ON = date(2025, 1, 1)

pytestmark = pytest.mark.skipif(
    not FOLDERS,
    reason=f"DMN TCK cases not found at {TCK}; set CFHUB_SHARED_DIR to the shared folder (e.g. /work/shared)",
)


def test_all_seventeen_cases_are_there() -> None:
    assert len(FOLDERS) == 17
    assert sum(len(read_cases(next(f.glob("*-test-01.xml")))) for f in FOLDERS) == 51


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_tck_case(folder: Path) -> None:
    dmn = next(folder.glob("*.dmn"))
    rulesets, issues = import_dmn(dmn, effective_from=ON)
    assert issues == [] and len(rulesets) == 1
    program = compile_ruleset_text(to_yaml(rulesets[0]), str(dmn))
    cases = read_cases(next(folder.glob("*-test-01.xml")))
    assert cases
    records = evaluate_batch(
        program, Columns.from_records([normalise(c.inputs, program.types)[0] for c in cases], program.types)
    ).records()
    for case, record in zip(cases, records, strict=True):
        decision = evaluate(program, case.inputs, ON)
        assert decision.status == "decided", (case.id, decision.errors)
        for name, expected in case.results.items():
            assert same(decision.outcome[name], expected), (
                f"{folder.name} #{case.id}: {name} = {decision.outcome[name]!r}, expected {expected!r}"
            )
        assert record["status"] == decision.status
        assert same(record["outcome"], decision.outcome), f"batch disagrees on {folder.name} #{case.id}"

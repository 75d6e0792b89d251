"""Every mapping's golden cases (mappings/<target>/cases/), one test each."""

import pytest

from hub.mapping import load_catalog
from hub.mapping.cases import find_cases, run_case

CATALOG = load_catalog()
CASES = [(m, c) for m in CATALOG.mappers() for c in find_cases(m)]


def test_every_mapping_has_golden_cases() -> None:
    assert {m.mapping.file for m, _ in CASES} == {m.mapping.file for m in CATALOG.mappers()}
    assert len(CASES) >= 50


@pytest.mark.parametrize(("mapper", "case"), CASES, ids=[f"{m.mapping.path.stem}:{c.name}" for m, c in CASES])
def test_golden_case(mapper, case) -> None:  # type: ignore[no-untyped-def]
    outcome = run_case(CATALOG, mapper, case)
    assert outcome.problems == []

import numpy as np

from rules_engine import benchmark_facts, benchmarks_by_group


def test_percentiles_of_the_published_totals() -> None:
    facts = benchmark_facts(np.arange(1.0, 101.0))
    assert facts["n"] == 100
    assert facts["p50"] == 50.5 and facts["p10"] == np.percentile(np.arange(1.0, 101.0), 10)
    assert facts["p10"] <= facts["p25"] <= facts["p50"] <= facts["p75"] <= facts["p90"]


def test_non_finite_values_are_ignored_and_empty_has_only_n() -> None:
    assert benchmark_facts([np.nan, 5.0, np.inf])["n"] == 1
    assert benchmark_facts([]) == {"n": 0}


def test_by_group() -> None:
    groups = benchmarks_by_group(
        [("KP-46", "kWh", 2024), ("KP-46", "kWh", 2024), ("KP-31", "t", 2024)], [80.0, 100.0, 1900.0]
    )
    assert groups[("KP-46", "kWh", 2024)]["p50"] == 90.0
    assert groups[("KP-31", "t", 2024)] == {
        "p10": 1900.0,
        "p25": 1900.0,
        "p50": 1900.0,
        "p75": 1900.0,
        "p90": 1900.0,
        "n": 1,
    }

"""Data-quality rules without I/O: the layers, the outlier test's minimum group, the pedigree matrix and its
refusal of bad scores, findings as stored, and the label rules refusing a footprint that failed quality.
(Each rule's pass / warning / failure with small data: rulesets/quality/*/tests.yaml, run by
tests/rules_engine/test_rulesets.py.)"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from hub.policy.model import MinimumGroup
from hub.quality.findings import findings, summary
from hub.quality.pedigree import INDICATORS, Matrix, matrix_errors, shipped_matrix, weighted_dqr
from hub.quality.peers import Normalised, robust_z
from hub.validation import InvalidInput
from rules_engine import Registry, load_registry
from tests.rules_engine.conftest import RULESETS

ON = date(2026, 1, 1)
REGISTRY: Registry = load_registry(RULESETS)
CLEAN: dict[str, Any] = {
    "fp": {"total_kgco2e": 12.0, "declared_unit": "kg", "category_code": "KP-04", "industry_code": "IND-01"},
    "quality": {"peer_count": 12, "intensity_robust_z": 0.3, "mass_input_ratio": 4.55, "change_reason_stated": False},
}


def _outcome(facts: dict[str, Any]) -> dict[str, Any]:
    return REGISTRY.decide("quality", "ZJ", facts, ON).outcome


def test_the_quality_kind_has_three_layers_chosen_like_label_grade() -> None:
    chain = REGISTRY.chain(REGISTRY.select("quality", "ZJ", ON, "KP-04", "IND-01"), ON)
    assert [(s.id, s.layer) for s in chain] == [
        ("quality-zj", "general"),
        ("quality-zj-ind-01", "industry"),
        ("quality-zj-kp-04", "product"),
    ]
    assert REGISTRY.select("quality", "ZJ", ON, "KP-20", "IND-09").id == "quality-zj"


def test_a_product_rule_replaces_the_general_one_and_another_adds_to_them() -> None:
    assert _outcome(CLEAN)["mass_balance"] == "pass"  # tea: 3.5-6 kg of fresh leaf per kg
    general = {**CLEAN, "fp": {**CLEAN["fp"], "category_code": "KP-20", "industry_code": "IND-09"}}
    assert _outcome(general)["mass_balance"] == "warning"  # the general 0.95-3 kg per kg
    battery = {
        "fp": {"total_kgco2e": 95.0, "declared_unit": "kWh", "category_code": "KP-46", "industry_code": "IND-17"}
    }
    outcome = _outcome(battery)
    assert "lifetime_energy_range" in outcome and "lifetime_energy_range" not in _outcome(general)
    assert outcome["intensity_range"] == "pass"  # the general rules still run under the product layer


def _peers(n: int, owners: int, spread: bool = True) -> list[Normalised]:
    return [Normalised(i, i % owners, ("KP-46", "kWh"), 90.0 + (i if spread else 0)) for i in range(1, n + 1)]


def test_outliers_need_a_minimum_group_of_peers_and_enterprises() -> None:
    group = MinimumGroup(footprints=5, enterprises=3)
    subject = Normalised(999, 1, ("KP-46", "kWh"), 400.0)
    assert robust_z(subject, _peers(4, 3), group) == {"peer_count": 4}
    assert robust_z(subject, _peers(12, 2), group) == {"peer_count": 12}  # two enterprises only
    assert robust_z(subject, _peers(12, 3, spread=False), group) == {"peer_count": 12}  # MAD 0: no score
    scored = robust_z(subject, _peers(12, 3), group)
    assert scored["peer_count"] == 12 and scored["intensity_robust_z"] > 3.5
    other = Normalised(998, 1, ("KP-46", "piece"), 400.0)  # another declared unit is another distribution
    assert robust_z(other, _peers(12, 3), group) == {"peer_count": 0}


def test_the_subject_is_left_out_of_its_own_distribution() -> None:
    peers = _peers(12, 3)
    assert robust_z(peers[0], peers, MinimumGroup())["peer_count"] == 11


def test_too_few_peers_is_not_applicable_never_a_pass() -> None:
    outcome = _outcome({**CLEAN, "quality": {**CLEAN["quality"], "peer_count": 4, "intensity_robust_z": -0.1}})
    assert outcome["intensity_outlier"] == "not_applicable"


def _line(kgco2e: Any, **scores: Any) -> dict[str, Any]:
    return {"kgco2e": kgco2e, "scores": {name: scores.get(name, 2) for name in INDICATORS}}


def test_the_dqr_is_each_lines_mean_score_weighted_by_its_share() -> None:
    lines = [_line(30.0, reliability=1, completeness=1, temporal=1, geographical=1, technological=1), _line(10.0)]
    dqr = weighted_dqr([*lines, {"kgco2e": 10.0, "scores": dict.fromkeys(INDICATORS, 5)}])
    assert dqr is not None and math.isclose(dqr, (30 * 1 + 10 * 2 + 10 * 5) / 50)
    assert weighted_dqr([_line(0.0)]) is None  # nothing to weigh


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (-float("inf"), "finite"),
        (1e308, "from 1 to 5"),
        (0, "from 1 to 5"),
        (6, "from 1 to 5"),
        ("3", "number"),
        (True, "number"),
        (None, "number"),
    ],
)
def test_bad_pedigree_scores_are_refused_naming_the_field(value: Any, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        weighted_dqr([_line(10.0), _line(5.0, temporal=value)])
    [error] = refused.value.errors
    assert error.path == "$.inventory[1].pedigree.temporal" and reason in error.reason


def test_a_bad_weight_and_missing_scores_are_refused_together() -> None:
    with pytest.raises(InvalidInput) as refused:
        weighted_dqr([{"kgco2e": float("nan"), "scores": _line(1.0)["scores"]}, {"kgco2e": 1.0}])
    assert [e.path for e in refused.value.errors] == ["$.inventory[0].kgco2e", "$.inventory[1].pedigree"]


def test_the_shipped_matrix_loads_and_a_matrix_with_a_nan_score_does_not() -> None:
    matrix = shipped_matrix()
    assert matrix.temporal(0) == 1 and matrix.temporal(20) == 5
    broken = {**matrix.data, "indicators": {**matrix.data["indicators"]}}
    broken["indicators"]["temporal"] = {**broken["indicators"]["temporal"], "otherwise": float("nan")}
    assert [str(e) for e in matrix_errors(broken)] == [
        "$.indicators.temporal.otherwise: must be a finite number from 1 to 5, not nan"
    ]
    assert isinstance(Matrix(broken), Matrix)


def test_findings_carry_the_reason_the_figures_and_the_rule_set() -> None:
    facts = {
        **CLEAN,
        "source": {"electricity_kwh_per_unit": 5.0},
        "quality": {**CLEAN["quality"], "electricity_kwh_per_unit": 12.0},
    }
    decision = REGISTRY.decide("quality", "ZJ", facts, ON)
    found = {f["rule"]: f for f in findings(decision)}
    electricity = found["electricity_cross_source"]
    assert electricity["status"] == "failure"
    assert electricity["figures"]["footprint"] == 12.0 and electricity["figures"]["monitored"] == 5.0
    assert "monitored energy use" in electricity["reason"]["en"] and electricity["reason"]["zh"]
    assert electricity["ruleset"]["id"] == "quality-zj" and found["mass_balance"]["ruleset"]["id"] == "quality-zj-kp-04"
    assert summary(list(found.values()), []) == (
        "failure",
        {"pass": 3, "warning": 0, "failure": 1, "not_applicable": 5},
    )


def test_a_rule_left_open_by_a_missing_input_is_not_applicable_with_why() -> None:
    facts = {**CLEAN, "source": {"fuel_mj_per_unit": 5.0}}  # no fuel figure of the footprint's own
    [fuel] = [f for f in findings(REGISTRY.decide("quality", "ZJ", facts, ON)) if f["rule"] == "fuel_cross_source"]
    assert fuel["status"] == "not_applicable" and "quality.fuel_mj_per_unit" in fuel["reason"]["en"]


def test_only_not_applicable_findings_sum_up_to_pass_and_an_engine_error_to_failure() -> None:
    na = [{"status": "not_applicable"}]
    assert summary(na, [])[0] == "pass" and summary(na, ["unique table clash"])[0] == "failure"


LABEL_FACTS: dict[str, Any] = {
    "fp": {"total_kgco2e": 85.0, "declared_unit": "kWh", "verified": True, "verifier_accredited": True},
    "benchmark": {"p10": 70.0, "p25": 80.0, "p50": 95.0, "p75": 110.0, "p90": 125.0, "n": 40},
}


def test_the_label_rules_refuse_a_footprint_that_failed_quality() -> None:
    on = date(2026, 2, 1)  # label-grade-zj 2026.1, the version that reads data quality
    failed = {**LABEL_FACTS, "quality": {"status": "failure", "failed": True}}
    assert REGISTRY.decide("label_grade", "ZJ", failed, date(2026, 1, 31)).outcome["graded"] is True  # 2025.1
    refused = REGISTRY.decide("label_grade", "ZJ", failed, on)
    assert refused.outcome["graded"] is False and refused.outcome["reasons"] == ["data_quality"]
    assert refused.outcome["grade"] is None
    assert "Data quality" in refused.explain("en") and "数据质量" in refused.explain("zh")
    warned = REGISTRY.decide(
        "label_grade", "ZJ", {**LABEL_FACTS, "quality": {"status": "warning", "failed": False}}, on
    )
    assert warned.outcome["graded"] is True and warned.outcome["grade"] == "C"


def test_every_shipped_quality_rule_says_its_status_and_reason() -> None:
    """The contract of the kind (docs/quality.md): each rule is a `first` table with one `status` output of the
    four statuses, every row has a reason in both languages, and every rule set ships its cases."""
    shipped = [s for s in REGISTRY.sources if s.kind == "quality"]
    assert {s.layer for s in shipped} == {"general", "industry", "product"} and all(s.tests for s in shipped)
    for source in shipped:
        for table in source.data.get("tables") or []:
            where = f"{source.id}: {table['name']}"
            assert table["hit_policy"] == "first", where
            [output] = table["outputs"]
            assert output["name"] == "status" and output["values"] == ["failure", "warning", "pass", "not_applicable"]
            assert all(row["text"]["en"] and row["text"]["zh"] for row in table["rows"]), where

"""Facts as columns for the batch evaluator."""

from __future__ import annotations

from datetime import date

import numpy as np

from rules_engine import Columns, Registry

TYPES = {
    "fp.total_kgco2e": "double",
    "benchmark.n": "int",
    "fp.verified": "bool",
    "fp.declared_unit": "string",
}


def test_from_arrays_reads_nan_and_none_as_missing() -> None:
    cols = Columns.from_arrays(
        {
            "fp.total_kgco2e": np.array([1.0, np.nan]),
            "benchmark.n": np.array([40.0, np.nan]),
            "fp.verified": np.array([True, None], dtype=object),
            "fp.declared_unit": np.array(["kWh", None], dtype=object),
        },
        TYPES,
    )
    for name, kind in TYPES.items():
        column = cols.get(name, kind)
        assert column.present.tolist() == [True, False], name
    assert cols.get("benchmark.n", "int").values.dtype == np.int64


def test_decide_batch_from_arrays_matches_one_at_a_time(registry: Registry) -> None:
    arrays = {
        "fp.total_kgco2e": np.array([85.0, np.nan, 118.0]),
        "fp.declared_unit": np.array(["kWh", "kWh", "kWh"]),
        "fp.verified": np.array([True, True, False]),
        "fp.verifier_accredited": np.array([True, True, False]),
        "fp.category_code": np.array(["KP-46", "KP-20", "KP-46"]),
        "fp.industry_code": np.array(["IND-17", "IND-09", "IND-17"]),
        "benchmark.p10": np.full(3, 70.0),
        "benchmark.p25": np.full(3, 80.0),
        "benchmark.p50": np.full(3, 95.0),
        "benchmark.p75": np.full(3, 110.0),
        "benchmark.p90": np.full(3, 125.0),
        "benchmark.n": np.array([40, 40, 40]),
    }
    on = date(2026, 1, 1)
    batch = registry.decide_batch("label_grade", "ZJ", Columns.from_arrays(arrays, registry.vocabulary.types()), on)
    records = batch.records()
    assert [r["outcome"]["grade"] for r in records] == ["C", None, None]
    assert [r["status"] for r in records] == ["decided", "undetermined", "decided"]
    for i, record in enumerate(records):
        facts = {k: v[i].item() for k, v in arrays.items() if not (v.dtype.kind == "f" and np.isnan(v[i]))}
        single = registry.decide("label_grade", "ZJ", facts, on).to_dict()
        assert {k: single[k] for k in record} == record
    assert [c[-1].id for c in batch.chains] and batch.programs is not None

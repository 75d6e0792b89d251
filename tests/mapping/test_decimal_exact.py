"""Exact numbers (issue 12 item 4): PACT decimals are strings because they are exact, so every decimal the
hub writes in PACT, Catena-X and battery-passport output is the exact decimal of the stored value, and the
mapping engine's own arithmetic (expressions, unit conversions) is decimal, not binary floating point."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db.models import Footprint
from hub.exchange.documents import footprint_documents
from hub.mapping import load_catalog
from hub.mapping.expressions import compile_expression
from hub.mapping.functions import FUNCTIONS, OPERATORS
from hub.mapping.transforms import scaled

CATALOG = load_catalog()
TARGETS = ["pact", "catenax-pcf", "battery-passport"]
# Binary floating-point noise: a run of seven zeros or nines before the last digit (94.00000000000001).
NOISE = re.compile(r"\.\d*(0{7,}|9{7,})\d$")


def _evaluate(text: str, **values: Any) -> Any:
    code, _ = compile_expression(text, set(values))
    ns = {**{f"_f_{k}": v for k, v in FUNCTIONS.items()}, **OPERATORS, **{f"_n_{k}": v for k, v in values.items()}}
    return eval(code, ns)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a + b", {"a": 35.1, "b": 58.9}, 94.0),
        ("a * 1000", {"a": 1.1}, 1100.0),
        ("a - b", {"a": 0.3, "b": 0.1}, 0.2),
        ("a / b", {"a": 0.3, "b": 0.1}, 3.0),
        ("sum(xs)", {"xs": [0.1, 0.2, 0.3]}, 0.6),
        ("n + ' (' + m + ')'", {"n": "cell", "m": "X1"}, "cell (X1)"),
        ("xs + ys", {"xs": [1], "ys": [2]}, [1, 2]),
        ("a * b", {"a": 3, "b": 4}, 12),
    ],
)
def test_expression_arithmetic_is_decimal(text: str, values: dict[str, Any], expected: Any) -> None:
    got = _evaluate(text, **values)
    assert got == expected and type(got) is type(expected)


def test_division_by_zero_still_fails_as_in_python() -> None:
    with pytest.raises(ZeroDivisionError):
        _evaluate("a / b", a=1.0, b=0.0)


def test_unit_conversion_is_decimal_and_keeps_every_digit() -> None:
    assert scaled(1.1, 1000.0) == 1100.0
    assert scaled(94.00000000000001, 0.001) == 0.09400000000000001  # no digit of the stored value lost
    assert scaled(scaled(123456.7890123, 0.001), 1000.0) == 123456.7890123


def test_a_tonne_declared_unit_maps_to_exact_kilograms() -> None:
    mapper = CATALOG.get("pact", "export")
    doc = _a_document()
    result = mapper.map({**doc, "declared_unit": "t", "declared_unit_amount": 1.1})
    assert result.output["pcf"]["declaredUnitAmount"] == "1100.0"


def _a_document() -> dict[str, Any]:
    from hub.mapping.cases import find_cases

    return dict(find_cases(CATALOG.get("pact", "export"))[0].input())


def _decimals(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [d for v in value.values() for d in _decimals(v)]
    if isinstance(value, list):
        return [d for v in value for d in _decimals(v)]
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return [value]
    if isinstance(value, float):
        return [repr(value)]
    return []


async def test_every_demo_decimal_in_international_output_is_the_exact_stored_decimal(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        ids = list(await session.scalars(select(Footprint.id).order_by(Footprint.id)))
        documents = await footprint_documents(session, ids)
    assert documents
    stored = [v for doc in documents for v in _decimals({k: doc[k] for k in doc if k.endswith("kgco2e")})]
    assert stored and not [v for v in stored if NOISE.search(v)]
    for target in TARGETS:
        mapper = CATALOG.get(target, "export")
        for doc in documents:
            result = mapper.map(doc)
            if not result.ok:
                continue
            noisy = [v for v in _decimals(result.output) if NOISE.search(v)]
            assert noisy == [], (target, doc["iri"], noisy)
    pcf = CATALOG.get("pact", "export").map(documents[0]).output["pcf"]
    assert Decimal(pcf["pcfExcludingBiogenicUptake"]) == Decimal(repr(documents[0]["total_kgco2e"]))

"""Issue 9, items 5, 10 and 12: input is bounded before it is parsed.

NaN, Infinity, numbers beyond a double, lone surrogates, invalid UTF-8 and deep nesting are refused by the
JSON parser (or, written inline in the query text, by a validation rule) with a clear error naming the
field; strings and dates out of their schema's range are field errors; nothing is written. Over real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.auth.principal import Role
from tests import databases
from tests.api.payloads import footprint_input
from tests.security.live_hub import Served, serve

CREATE_FACTOR = (
    "mutation($data: JSON!) { createEmissionFactor(data: $data) { emissionFactor { id } errors { path reason } } }"
)
CREATE_FOOTPRINT = "mutation($data: JSON!) { createFootprint(data: $data) { footprint { id } errors { path reason } } }"
FACTOR = {
    "dataset": "probe",
    "dataset_version": "1",
    "activity_name": "electricity",
    "region": "CN-ZJ",
    "reference_year": 2024,
    "unit": "kWh",
    "value_kgco2e_per_unit": 0.5,
    "gwp_basis": "IPCC AR6 GWP100",
    "gases_covered": "co2e",
    "source_citation": "probe",
    "licence": "CC-BY-4.0",
}


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One hub for the module: every test here is refused and checks that nothing was written."""
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


def _body(query: str, raw_variables: str) -> bytes:
    """A request body whose variables are written by hand (json.dumps would not write them)."""
    return ('{"query": ' + json.dumps(query) + ', "variables": ' + raw_variables + "}").encode()


def _factor_with(raw_value: str) -> bytes:
    fields = json.dumps({k: v for k, v in FACTOR.items() if k != "value_kgco2e_per_unit"})
    return _body(CREATE_FACTOR, '{"data": ' + fields[:-1] + ', "value_kgco2e_per_unit": ' + raw_value + "}}")


def _inline_factor(extra: str, without: str = "") -> str:
    """createEmissionFactor with its data written inline in the query text, plus `extra`."""
    fields = ", ".join(f"{k}: {json.dumps(v)}" for k, v in FACTOR.items() if k != without)
    return f"mutation {{ createEmissionFactor(data: {{{fields}, {extra}}}) {{ errors {{ path reason }} }} }}"


def _refused(response: Any, path: str, reason: str) -> None:
    """A 400 in GraphQL-over-HTTP form whose one error names `path` and a reason containing `reason`."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (field,) = error["extensions"]["fields"]
    assert field["path"] == path
    assert reason in field["reason"]
    assert path in error["message"] and reason in error["message"]


def _factor_values(served: Served) -> list[float]:
    query = "{ emissionFactors(first: 100) { edges { node { valueKgco2ePerUnit } } } }"
    response = served.gql(Role.STANDARDS_TEAM, query)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return [e["node"]["valueKgco2ePerUnit"] for e in response.json()["data"]["emissionFactors"]["edges"]]


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_naming_the_field(served: Served, raw: str) -> None:
    before = served.rows()
    response = served.post(Role.STANDARDS_TEAM, _factor_with(raw))
    _refused(response, "$.variables.data.value_kgco2e_per_unit", "is not a finite number")
    assert served.rows() == before
    assert all(isinstance(v, float | int) for v in _factor_values(served))  # every factor still reads


@pytest.mark.parametrize("raw", ["9" * 4000, "1e400", "-1" + "0" * 400 + ".5"])
def test_numbers_beyond_a_double_are_refused_naming_the_field(served: Served, raw: str) -> None:
    before = served.rows()
    response = served.post(Role.STANDARDS_TEAM, _factor_with(raw))
    _refused(response, "$.variables.data.value_kgco2e_per_unit", "too large in magnitude")
    assert served.rows() == before


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("1e400", "1e400"), ("-1e400", "-1e400"), ("9" * 4000, "4000 characters"), ("9223372036854775808", "range")],
)
def test_number_literals_in_the_query_text_are_bounded_too(served: Served, literal: str, shown: str) -> None:
    """graphql-core reads `1e400` as inf: inline in a JSON argument it would reach the service unchecked."""
    query = _inline_factor(f"value_kgco2e_per_unit: {literal}", without="value_kgco2e_per_unit")
    before = served.rows()
    response = served.gql(Role.STANDARDS_TEAM, query)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["message"].startswith("The number ") and shown in error["message"]
    assert "data" not in response.json()  # refused before execution
    assert served.rows() == before


def test_40_kb_of_nested_arrays_is_a_400_with_a_message_not_a_500(served: Served) -> None:
    before = served.rows()
    response = served.post(Role.PUBLIC, _body("{ __typename }", '{"x": ' + "[" * 20_000 + "]" * 20_000 + "}"))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    (error,) = response.json()["errors"]
    (field,) = error["extensions"]["fields"]
    assert field["path"].startswith("$.variables.x[0][0]")
    assert "nests deeper than 32 levels" in field["reason"]
    assert served.rows() == before


def test_nesting_within_the_parser_limit_is_bounded_at_32_levels(served: Served) -> None:
    """33 levels: valid JSON for the parser, still refused, naming the variable."""
    response = served.post(Role.PUBLIC, _body("{ __typename }", '{"x": ' + "[" * 33 + "]" * 33 + "}"))
    _refused(response, "$.variables.x" + "[0]" * 32, "nests deeper than 32 levels")
    fine = served.post(Role.PUBLIC, _body("{ __typename }", '{"x": ' + "[" * 32 + "]" * 32 + "}"))
    assert fine.status_code == 200, fine.text


def test_deep_nesting_written_inline_in_a_json_argument_is_a_field_error(served: Served) -> None:
    """The query text's own nesting passes the GraphQL parser; the service's bound check names the field."""
    query = _inline_factor(f"extra: {'[' * 40}{']' * 40}")
    before = served.rows()
    response = served.gql(Role.STANDARDS_TEAM, query)
    assert response.status_code == 200, response.text
    errors = response.json()["data"]["createEmissionFactor"]["errors"]
    assert errors == [{"path": "$.extra" + "[0]" * 31, "reason": "nests deeper than 32 levels"}]
    assert served.rows() == before


def _footprint(served: Served, **changes: Any) -> dict[str, Any]:
    query = "{ products(first: 1) { edges { node { id } } } emissionFactors(first: 1) { edges { node { id } } } }"
    data = served.gql(Role.ENTERPRISE, query).json()["data"]
    product = data["products"]["edges"][0]["node"]["id"]
    factor = data["emissionFactors"]["edges"][0]["node"]["id"]
    return {**footprint_input(product, factor, 100.0, 0.5), **changes}


def test_a_lone_surrogate_in_a_comment_is_refused_naming_the_field(served: Served) -> None:
    before = served.rows()
    data = json.dumps(_footprint(served, comment="PLACEHOLDER")).replace("PLACEHOLDER", "a\\ud800b")
    response = served.post(Role.ENTERPRISE, _body(CREATE_FOOTPRINT, '{"data": ' + data + "}"))
    _refused(response, "$.variables.data.comment", "lone surrogate")
    assert served.rows() == before


def test_a_lone_surrogate_written_inline_is_a_syntax_error(served: Served) -> None:
    query = 'mutation { createFootprint(data: {comment: "a\\ud800b"}) { errors { path } } }'
    response = served.gql(Role.ENTERPRISE, query)
    assert response.status_code == 400
    assert "Invalid Unicode escape sequence" in response.json()["errors"][0]["message"]


def test_invalid_utf8_is_refused(served: Served) -> None:
    response = served.post(Role.PUBLIC, b'{"query": "{ __typename }", "variables": {"s": "\xed\xa0\x80"}}')
    _refused(response, "$", "is not valid UTF-8")


def test_integers_beyond_64_bits_in_variables_are_refused(served: Served) -> None:
    """Valid JSON, and orjson reads 2**64 - 1 as an int: no database column holds it."""
    before = served.rows()
    response = served.post(Role.STANDARDS_TEAM, _factor_with(str(2**64 - 1)))
    _refused(response, "$.variables.data.value_kgco2e_per_unit", "is out of range")
    assert served.rows() == before


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        ({"valid_from": "0001-01-01"}, "$.valid_from", "between 1900-01-01 and 2199-12-31"),
        ({"valid_until": "9999-12-31"}, "$.valid_until", "between 1900-01-01 and 2199-12-31"),
        ({"source_citation": "x" * 10_001}, "$.source_citation", "is too long"),
        ({"activity_name": "x" * 201}, "$.activity_name", "is too long"),
    ],
)
def test_dates_and_strings_out_of_range_are_field_errors(
    served: Served, change: dict[str, Any], path: str, reason: str
) -> None:
    before = served.rows()
    response = served.gql(Role.STANDARDS_TEAM, CREATE_FACTOR, {"data": {**FACTOR, **change}})
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["createEmissionFactor"]
    assert payload["emissionFactor"] is None
    (error,) = payload["errors"]
    assert error["path"] == path and reason in error["reason"]
    assert served.rows() == before


def test_a_reference_period_out_of_range_is_a_field_error(served: Served) -> None:
    before = served.rows()
    response = served.gql(
        Role.ENTERPRISE, CREATE_FOOTPRINT, {"data": _footprint(served, reference_period_end="2500-12-31")}
    )
    payload = response.json()["data"]["createFootprint"]
    assert payload["footprint"] is None
    assert [e["path"] for e in payload["errors"]] == ["$.reference_period_end"]
    assert served.rows() == before

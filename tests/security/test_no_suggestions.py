"""Issue 9, item 16: outside dev mode no error suggests a name ("Did you mean ...?"), whatever its source.

Suggestions map the schema for a caller who may not introspect it. They came from validation (fields,
arguments, types, enum values written inline), and from the coercion of variables (input objects, enums),
where the old filter missed them because "Found: ..." followed the hint. In dev mode they stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.auth.principal import Role
from tests import databases
from tests.security.live_hub import Served, serve

# (query, variables, a name the hint would give away)
ROUTES: dict[str, tuple[str, dict[str, Any], str]] = {
    "field": ("{ footprintz(first: 1) { totalCount } }", {}, "footprints"),
    "argument": ("{ footprints(frist: 1) { totalCount } }", {}, "first"),
    "type of a variable": (
        "query($f: FootprintFiltr) { footprints(filter: $f) { totalCount } }",
        {},
        "FootprintFilter",
    ),
    "type of a fragment": ("{ ...f } fragment f on Qurey { __typename }", {}, "Query"),
    "input field written inline": ('{ footprints(first: 1, filter: {ownerz: ["x"]}) { totalCount } }', {}, "owners"),
    "input field in a variable": (
        "query($f: FootprintFilter) { footprints(first: 1, filter: $f) { totalCount } }",
        {"f": {"ownerz": ["x"]}},
        "owners",
    ),
    "input field of a mutation's input": (
        "mutation($i: SharingAgreementInput!) { createSharingAgreement(input: $i) { errors { path } } }",
        {
            "i": {
                "region": "YRD",
                "title": "t",
                "recordKinds": [],
                "statuses": [],
                "validFrom": "2025-01-01",
                "validUntill": 1,
            }
        },
        "validUntil",
    ),
    "enum value written inline": (
        "{ footprints(first: 1) { edges { node { mapped(to: PACTT) { ok } } } } }",
        {},
        "PACT",
    ),
    "enum value in a variable": (
        "query($t: MappingTarget!) { footprints(first: 1) { edges { node { mapped(to: $t) { ok } } } } }",
        {"t": "PACTT"},
        "PACT",
    ),
}


@pytest.fixture(scope="module")
def production(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys"))) as s:
        yield s


@pytest.fixture(scope="module")
def dev(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(templates, Path(tmp_path_factory.mktemp("keys")), dev=True) as s:
        yield s


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("role", [Role.PUBLIC, Role.REGULATOR])
def test_no_error_suggests_a_name_outside_dev_mode(production: Served, route: str, role: Role) -> None:
    query, variables, name = ROUTES[route]
    response = production.gql(role, query, variables)
    errors = response.json()["errors"]
    assert errors, response.text
    assert "Did you mean" not in response.text
    assert f"'{name}'" not in response.text and f'"{name}"' not in response.text


@pytest.mark.parametrize("route", ["field", "input field in a variable", "enum value in a variable"])
def test_dev_mode_keeps_the_suggestions(dev: Served, route: str) -> None:
    """The same requests in dev mode: the hint is there, so the test above proves that it was removed."""
    query, variables, name = ROUTES[route]
    response = dev.gql(Role.REGULATOR, query, variables)
    assert "Did you mean" in response.text and name in response.text

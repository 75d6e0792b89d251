"""Depth and alias limits hold through named fragments and inline fragments, not only inline nesting, and
measuring a query costs work in proportion to its text, never to the size of its fragment expansion.

A GraphQL document can spread one fragment many times: a chain of 30 fragments, each spreading the next
twice, is under 1 kB yet expands to 2^30 selections. Limits are checked against the expansion (what would
run), and computed once per fragment (so the check itself cannot be the attack).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from graphql import parse, validate

import hub.api.protection as protection
import hub.api.walk as walk
from hub.api.graphql_schema import build_schema
from hub.api.protection import Limits, estimate_cost, protection_rules
from tests.api.conftest import Live, live  # noqa: F401 (the module's live hub over real HTTP)
from tests.api.fixtures import gql

LIMIT = 8  # the default depth limit
SCHEMA = build_schema()._schema


def refused(live: Live, query: str) -> str | None:  # noqa: F811
    """The refusal message over real HTTP, or None when the query ran."""
    response = gql(live.client, query)
    body = response.json()
    if response.status_code == 200 and "data" in body and not body.get("errors"):
        return None
    assert response.status_code == 400, response.text
    return str(body["errors"][0]["message"])


# productCategories { parent { parent { ... code } } }: 1 + parents + 1 levels
def inline(depth: int) -> str:
    parents = depth - 2
    return "{ productCategories { " + "parent { " * parents + "code" + " }" * parents + " } }"


def named_fragments(depth: int) -> str:
    """Each level of parents in a fragment of its own: F0 spreads F1 inside parent, and so on."""
    parents = depth - 2
    frags = [f"fragment F{i} on ProductCategory {{ parent {{ ...F{i + 1} }} }}" for i in range(parents)]
    frags.append(f"fragment F{parents} on ProductCategory {{ code }}")
    return "{ productCategories { ...F0 } } " + " ".join(frags)


def inline_fragments(depth: int) -> str:
    parents = depth - 2
    body = "... on ProductCategory { " * parents
    return "{ productCategories { " + body.replace("{ ", "{ parent { ") + "code" + " } }" * parents + " } }"


def mixed(depth: int) -> str:
    """Named fragments holding inline fragments holding the next named fragment."""
    parents = depth - 2
    frags = [
        f"fragment M{i} on ProductCategory {{ ... on ProductCategory {{ parent {{ ...M{i + 1} }} }} }}"
        for i in range(parents)
    ]
    frags.append(f"fragment M{parents} on ProductCategory {{ ... on ProductCategory {{ code }} }}")
    return "{ productCategories { ...M0 } } " + " ".join(frags)


SHAPES = {"inline": inline, "named fragments": named_fragments, "inline fragments": inline_fragments, "mixed": mixed}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_depth_at_the_limit_runs_and_one_more_level_is_refused(live: Live, shape: str) -> None:  # noqa: F811
    assert refused(live, SHAPES[shape](LIMIT)) is None
    message = refused(live, SHAPES[shape](LIMIT + 1))
    assert message == f"Operation (anonymous) is nested deeper than the limit of {LIMIT}."


def test_a_fragment_is_as_deep_as_its_deepest_use(live: Live) -> None:  # noqa: F811
    """One fragment spread both near the root and deep down: the deep use is what counts."""
    deep = "parent { " * (LIMIT - 2) + "...C" + " }" * (LIMIT - 2)
    query = "{ productCategories { ...C " + deep + " } } fragment C on ProductCategory { parent { code } }"
    assert refused(live, query) == f"Operation (anonymous) is nested deeper than the limit of {LIMIT}."
    shallower = "parent { " * (LIMIT - 3) + "...C" + " }" * (LIMIT - 3)
    fragment = " fragment C on ProductCategory { parent { code } }"
    assert refused(live, "{ productCategories { ...C " + shallower + " } }" + fragment) is None


def test_a_named_operation_is_named_in_the_refusal(live: Live) -> None:  # noqa: F811
    query = "query Deep " + named_fragments(LIMIT + 1)
    assert refused(live, query) == f"Operation Deep is nested deeper than the limit of {LIMIT}."


def test_a_fragment_cycle_is_refused_not_a_crash(live: Live) -> None:  # noqa: F811
    query = (
        "{ productCategories { ...A } } fragment A on ProductCategory { parent { ...B } } "
        "fragment B on ProductCategory { parent { ...A } }"
    )
    message = refused(live, query)
    assert message is not None and "Cannot spread fragment 'A' within itself" in message


def test_typename_leaves_add_no_depth(live: Live) -> None:  # noqa: F811
    parents = LIMIT - 1  # productCategories and seven parents: 8 levels, the limit
    query = "{ productCategories { " + "parent { " * parents + "__typename" + " }" * parents + " } }"
    assert refused(live, query) is None
    fragment = "{ productCategories { " + "parent { " * parents + "...T" + " }" * parents + " } }"
    assert refused(live, fragment + " fragment T on ProductCategory { __typename }") is None


# -- aliases through fragments ------------------------------------------------------------------------


def test_aliases_are_counted_at_every_place_a_fragment_is_spread(live: Live) -> None:  # noqa: F811
    """Five aliases in G and five in H (ten in the text), but G spreads H under each of its five aliases:
    the query would run 30 aliased fields, over the limit of 15."""
    query = (
        "{ productCategories { ...G } } "
        "fragment G on ProductCategory { " + " ".join(f"p{i}: parent {{ ...H }}" for i in range(5)) + " } "
        "fragment H on ProductCategory { " + " ".join(f"q{i}: parent {{ code }}" for i in range(5)) + " }"
    )
    assert refused(live, query) == "The query uses more than 15 aliases."


def test_fifteen_aliases_through_a_fragment_are_allowed(live: Live) -> None:  # noqa: F811
    query = (
        "{ productCategories { ...G } } "
        "fragment G on ProductCategory { " + " ".join(f"p{i}: parent {{ ...H }}" for i in range(3)) + " } "
        "fragment H on ProductCategory { " + " ".join(f"q{i}: parent {{ code }}" for i in range(4)) + " }"
    )
    assert refused(live, query) is None  # 3 + 3 x 4 = 15


def test_aliases_in_a_fragment_spread_at_the_root_count_each_time(live: Live) -> None:  # noqa: F811
    frag = "fragment F on Query { " + " ".join(f"a{i}: productCategories {{ code }}" for i in range(8)) + " }"
    assert refused(live, "{ ...F } " + frag) is None
    assert refused(live, "{ ...F x: __typename } " + frag) is None  # 9
    bigger = "fragment F on Query { " + " ".join(f"a{i}: productCategories {{ code }}" for i in range(15)) + " }"
    assert refused(live, "{ ...F ... on Query { ...F } } " + bigger) == "The query uses more than 15 aliases."


# -- the work of measuring a query is bounded ----------------------------------------------------------


@pytest.fixture
def calls() -> Iterator[dict[str, int]]:
    """Counts the Python calls made inside hub/api/protection.py and its walk (hub/api/walk.py): work, not time."""
    counter = {"calls": 0}
    targets = {protection.__file__, walk.__file__}

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename in targets:
            counter["calls"] += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield counter
    finally:
        sys.setprofile(previous)


def fragment_bomb(levels: int, leaf: str = "__typename") -> str:
    """`levels` fragments, each spreading the next twice: 2^levels leaves from a few hundred bytes."""
    frags = [f"fragment B{i} on Query {{ ...B{i + 1} ... on Query {{ ...B{i + 1} }} }}" for i in range(levels)]
    frags.append(f"fragment B{levels} on Query {{ {leaf} }}")
    return "{ ...B0 } " + " ".join(frags)


@pytest.mark.parametrize("levels", [10, 40])
def test_checking_a_fragment_bomb_costs_work_in_proportion_to_its_text(calls: dict[str, int], levels: int) -> None:
    document = parse(fragment_bomb(levels))
    limits = Limits(max_depth=8, max_aliases=15, max_directives=50, max_cost=10_000)
    assert validate(SCHEMA, document, protection_rules(limits)) == []
    cost = estimate_cost(SCHEMA, document, document.definitions[0], {})  # type: ignore[arg-type]
    assert cost == 2**levels  # the estimate still prices the whole expansion...
    assert calls["calls"] < 50 * levels  # ...without walking it


def test_a_fragment_bomb_is_refused_over_http(live: Live) -> None:  # noqa: F811
    message = refused(live, fragment_bomb(40))
    assert message == (
        f"The query's estimated cost {2**40} is above the limit of 10000: ask for smaller pages or fewer fields."
    )


def test_an_alias_bomb_through_fragments_is_refused_with_bounded_work(calls: dict[str, int]) -> None:
    document = parse(fragment_bomb(40, leaf="a: __typename"))
    limits = Limits(max_depth=8, max_aliases=15, max_directives=50, max_cost=10_000)
    errors = validate(SCHEMA, document, protection_rules(limits))
    assert [e.message for e in errors] == ["The query uses more than 15 aliases."]
    assert calls["calls"] < 50 * 40

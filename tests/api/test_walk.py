"""The one walk over selection sets (hub/api/walk.py): what the cost estimate, the limits and the requested
fields read from a document, and why the limits are ours rather than strawberry's."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

import strawberry.extensions.max_aliases as strawberry_aliases
import strawberry.extensions.query_depth_limiter as strawberry_depth
from graphql import OperationDefinitionNode, parse, validate

import hub.api.protection as protection
import hub.api.walk as walk
from hub.api.graphql_schema import build_schema
from hub.api.protection import Limits, estimate_cost, protection_rules
from hub.api.selection import requested_fields

SCHEMA = build_schema()._schema
PAGE = """query($v: Boolean!) { footprints(first: 10) { edges { node { id
  product @include(if: $v) { name } verifier @skip(if: $v) { nameEn } } } } }"""


def _cost(query: str, variables: dict[str, Any]) -> int:
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return estimate_cost(SCHEMA, document, operation, variables)


def test_the_cost_leaves_out_what_include_and_skip_leave_out() -> None:
    # the page, then per item: edges, node, id, and product or verifier with its one field
    assert _cost(PAGE, {"v": True}) == _cost(PAGE, {"v": False}) == 1 + 10 * (1 + 1 + 1 + 2)
    both = PAGE.replace("@skip(if: $v)", "@skip(if: false)")
    assert _cost(both, {"v": True}) == 1 + 10 * (1 + 1 + 1 + 2 + 2)


def test_requested_fields_are_read_through_fragments_inline_fragments_and_interfaces() -> None:
    query = """query($id: ID!) { node(id: $id) { id ... on Footprint { ...F } } }
      fragment F on Footprint { status product { name } }"""
    wanted = requested_fields(SCHEMA, parse(query), {"Footprint", "Product", "Organization"})
    assert wanted["Footprint"] == {"id", "status", "product"}
    assert wanted["Product"] == {"id", "name"}  # `id` on the Node interface: every implementation
    assert wanted["Organization"] == {"id"}  # a selection on the Node interface counts for every implementation


def _bomb(levels: int) -> str:
    frags = [f"fragment B{i} on Query {{ ...B{i + 1} ... on Query {{ ...B{i + 1} }} }}" for i in range(levels)]
    return "{ ...B0 } " + " ".join(frags) + f" fragment B{levels} on Query {{ __typename }}"


@contextmanager
def _calls(*modules: ModuleType) -> Iterator[dict[str, int]]:
    files, counter = {m.__file__ for m in modules}, {"calls": 0}

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename in files:
            counter["calls"] += 1

    sys.setprofile(profile)
    try:
        yield counter
    finally:
        sys.setprofile(None)


def test_our_limits_walk_a_fragment_once_where_strawberrys_walk_every_spread() -> None:
    """strawberry's QueryDepthLimiter and MaxAliasesLimiter (0.341) walk a fragment at every place it is
    spread: 4 more levels of a fragment bomb cost them 16 times the work, so 40 levels (a few hundred bytes)
    would never finish. Ours grow with the text. Revisit when strawberry memoizes fragments."""
    theirs, ours = [], []
    limits = Limits(max_depth=8, max_aliases=15, max_directives=50, max_cost=10_000)
    for levels in (8, 12):
        document = parse(_bomb(levels))
        with _calls(strawberry_aliases, strawberry_depth) as count:
            validate(
                SCHEMA, document, [strawberry_aliases.create_validator(15), strawberry_depth.create_validator(8, None)]
            )
        theirs.append(count["calls"])
        with _calls(protection, walk) as count:
            assert validate(SCHEMA, document, protection_rules(limits)) == []
        ours.append(count["calls"])
    assert theirs[1] > 15 * theirs[0]
    assert ours[1] < 2 * ours[0]

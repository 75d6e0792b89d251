"""The planner against ordinary execution: queries generated from the schema (hypothesis-graphql), for every
role of the policy, get the same response from both (data and errors, errors in path order)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLObjectType,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    build_schema,
    parse,
    print_ast,
    print_schema,
    visit,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from hub.auth.principal import Role
from hub.policy.load import default_policy
from tests.api.planner.conftest import Pair, normalized

# What the planner hands to ordinary execution whole (computed, narrowed or audited fields): left out of the
# generated queries so that nearly every example is planned, and the property is about the planner.
LEFT_OUT = {"Footprint": ("mapped", "inventory"), "Decision": ("trace",)}
ROOTS = ["footprints", "products"]
ROLES = [Role(name) for name in default_policy().roles]


def _schema(pair: Pair, records: bool = False) -> Any:
    """The hub's schema without the fields left out; with `records`, its Query reads one footprint or product."""
    sdl = print_schema(pair.planned.schema._schema)
    if records:
        sdl = re.sub(
            r"type Query \{.*?\n\}", "type Query {\n  footprint: Footprint\n  product: Product\n}", sdl, flags=re.S
        )
    schema = build_schema(sdl)
    for type_name, fields in LEFT_OUT.items():
        found = schema.type_map[type_name]
        assert isinstance(found, GraphQLObjectType)
        for name in fields:
            del found.fields[name]
    return schema


class _Bounded(Visitor):
    """Page sizes within the hub's bounds (0-5) and no made-up cursors: an out-of-range `first` or a cursor
    the hub never issued is refused before any record is read, which tests nothing of the planner."""

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        if node.name.value == "after":
            return self.REMOVE
        if node.name.value == "first" and isinstance(node.value, IntValueNode):
            return ArgumentNode(name=node.name, value=IntValueNode(value=str(int(node.value.value) % 6)))
        return None


def _bounded(query: object) -> str:
    document = visit(parse(str(query)), _Bounded())
    assert isinstance(document, DocumentNode)
    return print_ast(document)


def _paged(query: object) -> str:
    """A query for one footprint or product, as a page of them: deep selections under `edges { node }`."""
    operation = parse(str(query)).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    roots = []
    for root in operation.selection_set.selections:
        assert isinstance(root, FieldNode)
        node = FieldNode(name=NameNode(value="node"), selection_set=root.selection_set)
        edges = FieldNode(name=NameNode(value="edges"), selection_set=SelectionSetNode(selections=(node,)))
        first = ArgumentNode(name=NameNode(value="first"), value=IntValueNode(value="7"))
        roots.append(
            FieldNode(
                alias=root.alias,
                name=NameNode(value=f"{root.name.value}s"),
                arguments=(first,),
                selection_set=SelectionSetNode(selections=(edges,)),
            )
        )
    paged = OperationDefinitionNode(operation=operation.operation, selection_set=SelectionSetNode(selections=roots))
    return print_ast(DocumentNode(definitions=(paged,)))


DATES = st.dates(date(2020, 1, 1), date(2027, 12, 31)).map(lambda d: StringValueNode(value=d.isoformat()))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_planner_answers_as_ordinary_execution(pair: Pair, role: Role) -> None:
    pages = queries(_schema(pair), fields=ROOTS, custom_scalars={"Date": DATES}, allow_x00=False).map(_bounded)
    records = queries(_schema(pair, records=True), custom_scalars={"Date": DATES}, allow_x00=False).map(_paged)
    strategy = st.one_of(pages, records)
    planner = pair.planned.planner
    before = len(planner.plans.items)
    seen: list[str] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(query=strategy)
    def check(query: str) -> None:
        seen.append(query)
        planned, reference = pair.both(role, query)
        assert normalized(planned) == normalized(reference), query

    check()
    # The property is about the planner only if it answered most of the queries itself (the others: a
    # filter the role may not use, which ordinary execution refuses).
    assert len(planner.plans.items) - before >= len(set(seen)) // 3, (role, len(planner.plans.items) - before)

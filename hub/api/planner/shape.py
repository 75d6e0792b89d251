"""A validated operation and its variables as a tree of requested fields: fragments, inline fragments,
aliases, `@include`/`@skip` resolved, arguments coerced, field nodes merged per response key.

This is what the planner plans from; it follows graphql-core's own field collection (the spec's
CollectFields), so the response keys, their order and the merged field nodes are those execution sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values

TYPENAME = "__typename"


class Unplannable(Exception):
    """The operation holds something the planner does not cover: ordinary execution answers it."""


@dataclass
class Field:
    """One response key of a selection: its field, coerced arguments and merged sub-selection."""

    key: str
    name: str
    nodes: list[FieldNode]
    type: GraphQLOutputType | None  # None for __typename
    args: dict[str, Any] = field(default_factory=dict)
    children: list[Field] = field(default_factory=list)
    serialize: Callable[[Any], Any] | None = None  # a leaf's scalar serializer

    @property
    def named(self) -> GraphQLNamedType | None:
        return None if self.type is None else get_named_type(self.type)

    @property
    def non_null(self) -> bool:
        return isinstance(self.type, GraphQLNonNull)

    @property
    def is_list(self) -> bool:
        inner = self.type.of_type if isinstance(self.type, GraphQLNonNull) else self.type
        return isinstance(inner, GraphQLList)


@dataclass(frozen=True)
class Shape:
    root: GraphQLObjectType
    fields: list[Field]


def operation_shape(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: VariableValues,
) -> Shape:
    """The operation's tree of fields; raises Unplannable for anything but a query."""
    root = schema.query_type
    if operation.operation.value != "query" or root is None:
        raise Unplannable("only queries are planned")
    return Shape(root, _fields(schema, fragments, root, [operation.selection_set], variables))


def _fields(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    parent: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    variables: VariableValues,
) -> list[Field]:
    grouped: dict[str, list[FieldNode]] = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect(schema, fragments, parent, selection_set, variables, grouped, visited)
    out = []
    for key, nodes in grouped.items():
        name = nodes[0].name.value
        if name == TYPENAME:
            out.append(Field(key, name, nodes, None))
            continue
        if name.startswith("__"):
            raise Unplannable("introspection")
        definition: GraphQLField = parent.fields[name]
        args = get_argument_values(definition, nodes[0], variables)
        f = Field(key, name, nodes, definition.type, args)
        named = get_named_type(definition.type)
        if isinstance(named, GraphQLObjectType):
            subs = [n.selection_set for n in nodes if n.selection_set is not None]
            f.children = _fields(schema, fragments, named, subs, variables)
        elif isinstance(named, GraphQLScalarType | GraphQLEnumType):
            f.serialize = named.serialize
        else:
            raise Unplannable(f"abstract type {named.name}")
        out.append(f)
    return out


def _collect(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode,
    variables: VariableValues,
    grouped: dict[str, list[FieldNode]],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            grouped.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if not _applies(schema, selection.type_condition, parent):
                continue
            _collect(schema, fragments, parent, selection.selection_set, variables, grouped, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in visited:
                continue
            visited.add(name)
            fragment = fragments.get(name)
            if fragment is None or not _applies(schema, fragment.type_condition, parent):
                continue
            _collect(schema, fragments, parent, fragment.selection_set, variables, grouped, visited)


def _included(node: Any, variables: VariableValues) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip["if"] is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include["if"] is False)


def _applies(schema: GraphQLSchema, condition: Any, parent: GraphQLObjectType) -> bool:
    if condition is None:
        return True
    target = schema.get_type(condition.name.value)
    if target is parent:
        return True
    if isinstance(target, GraphQLInterfaceType | GraphQLUnionType):
        return schema.is_sub_type(target, parent)
    return False

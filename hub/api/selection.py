"""Which fields of which record kinds a document asks for, so that reads select only those columns.

Computed once per document (cached with it); a selection on an interface (Node, Provenance) counts for
every type that implements it. The data-access layer still projects only readable fields: this only
narrows the readable fields to the requested ones.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)


def requested_fields(schema: GraphQLSchema, document: DocumentNode, kinds: set[str]) -> dict[str, frozenset[str]]:
    wanted: dict[str, set[str]] = {k: set() for k in kinds}
    type_info = TypeInfo(schema)

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            parent = type_info.get_parent_type()
            field = type_info.get_field_def()
            if parent is None or field is None:
                return
            definition = field.extensions.get("strawberry-definition")
            if definition is None:
                return
            parents = [parent]
            if isinstance(parent, GraphQLInterfaceType):
                parents = list(schema.get_implementations(parent).objects)
            for p in parents:
                if isinstance(p, GraphQLObjectType) and p.name in wanted:
                    wanted[p.name].add(definition.python_name)

    visit(document, TypeInfoVisitor(type_info, Collect()))
    return {k: frozenset(v) for k, v in wanted.items()}

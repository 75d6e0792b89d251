"""Which fields of which record kinds a document asks for, so that reads select only those columns.

Computed once per document (cached with it; hub/api/extensions.py), by the one walk over selection sets
(hub/api/walk.py), so every directive counts as included; a selection on an interface (Node, Provenance)
counts for every type that implements it. The data-access layer still projects only readable fields: this
only narrows the readable fields to the requested ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    get_named_type,
)

from hub.api.walk import Walk


class Requested(Walk[None]):
    def __init__(self, document: DocumentNode, schema: GraphQLSchema, kinds: set[str]) -> None:
        super().__init__(document, None, schema)
        self.wanted: dict[str, set[str]] = {k: set() for k in kinds}

    def combine(self, values: Iterable[None]) -> None:
        return None

    def field(self, node: FieldNode, parent: Any) -> None:
        fields = getattr(parent, "fields", None)
        field_def = fields.get(node.name.value) if fields else None
        if field_def is None:
            return
        definition = field_def.extensions.get("strawberry-definition")
        if definition is not None:
            for kind in self._objects(parent):
                if kind in self.wanted:
                    self.wanted[kind].add(definition.python_name)
        self.selection_set(node.selection_set, get_named_type(field_def.type))

    def _objects(self, parent: Any) -> list[str]:
        assert self.schema is not None
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            return [t.name for t in self.schema.get_possible_types(parent)]
        return [parent.name] if isinstance(parent, GraphQLObjectType) else []


def requested_fields(schema: GraphQLSchema, document: DocumentNode, kinds: set[str]) -> dict[str, frozenset[str]]:
    walk = Requested(document, schema, kinds)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk.selection_set(definition.selection_set, schema.get_root_type(definition.operation))
    return {k: frozenset(v) for k, v in walk.wanted.items()}

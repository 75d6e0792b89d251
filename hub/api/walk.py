"""The one walk over a document's selection sets: fields, inline fragments, fragment spreads and (given the
variables) `@include` / `@skip`. The depth and alias limits, the cost estimate (hub/api/protection.py) and the
fields a document asks for per record kind (hub/api/selection.py) are each a `Walk` that says what a field is
worth and how a selection set's values combine.

A fragment is walked once per walk (`memo`), whatever the number of places it is spread: a fragment spread twice
in each of 40 fragments names 2^40 fields, and each measure must cost work in proportion to the text, not to
the expansion. Cycles and unknown fragments are left to the standard validation rules, which report them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    SelectionSetNode,
    value_from_ast_untyped,
)

T = TypeVar("T")


class Walk(Generic[T]):
    """A fold over selection sets. `parent` is what a subclass tracks from a field to its children (the
    GraphQL type, for walks that need one); a type condition narrows it (`narrow`)."""

    def __init__(
        self, document: DocumentNode, variables: dict[str, Any] | None = None, schema: GraphQLSchema | None = None
    ) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables  # None: every selection counts, whatever its directives (a document's measure)
        self.schema = schema
        self.memo: dict[str, T] = {}
        self.walking: set[str] = set()

    # -- what a subclass says ------------------------------------------------------------------------------
    def field(self, node: FieldNode, parent: Any) -> T:
        raise NotImplementedError

    def combine(self, values: Iterable[T]) -> T:
        raise NotImplementedError

    # -- the walk ------------------------------------------------------------------------------------------
    def selection_set(self, node: SelectionSetNode | None, parent: Any) -> T:
        """The combined value of the selections of `node` that would run."""
        if node is None:
            return self.combine(())
        values: list[T] = []
        for selection in node.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                values.append(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                inner = self.narrow(parent, selection.type_condition)
                values.append(self.selection_set(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                values.extend(self.spread(selection.name.value, parent))
        return self.combine(values)

    def spread(self, name: str, parent: Any) -> list[T]:
        """A fragment's value, worked out once per walk; nothing for an unknown fragment or a cycle."""
        if name in self.memo:
            return [self.memo[name]]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.walking:
            return []
        self.walking.add(name)
        value = self.selection_set(fragment.selection_set, self.narrow(parent, fragment.type_condition))
        self.walking.discard(name)
        self.memo[name] = value
        return [value]

    def narrow(self, parent: Any, condition: NamedTypeNode | None) -> Any:
        """The parent type inside a fragment: its type condition's, where the walk has a schema."""
        if condition is None or self.schema is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent

    def included(self, node: SelectionNode) -> bool:
        """`@skip(if:)` and `@include(if:)` as execution reads them, literals or variables."""
        if self.variables is None:
            return True
        for directive in node.directives or ():
            name = directive.name.value
            if name in {"skip", "include"} and directive.arguments:
                value = value_from_ast_untyped(directive.arguments[0].value, self.variables)
                if (name == "skip") == (value is True):
                    return False
        return True

"""Protection against expensive queries, refused before execution: depth, aliases, directives (validation
rules), tokens (the parser's limit: strawberry's MaxTokensLimiter), cost (an estimate from the query and the page
sizes it asks for, with the variables), and introspection for the public role outside dev mode
(hub/api/extensions.py runs them). Depth, aliases and cost are walks of hub/api/walk.py.

Why not strawberry's QueryDepthLimiter and MaxAliasesLimiter: they walk a fragment again at every place it is
spread, so a fragment bomb of a few hundred bytes (40 fragments, each spreading the next twice) never finishes
validating (tests/api/test_walk.py measures it); ours walk each fragment once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    get_named_type,
    value_from_ast_untyped,
    visit,
)
from graphql.validation import MaxIntrospectionDepthRule

from hub.api.pagination import DEFAULT_PAGE
from hub.api.walk import Walk

# A list field without a `first` argument is costed as this many items: a footprint has at most five
# stages and usually one label; the flat lists (categories, organizations) sit at the root, where
# their size does not multiply anything below.
LIST_ESTIMATE = 5

# What a field costs, in plain fields, where it does more than read a value (tests/security/test_mapped_cost.py).
# Measured on the demo data (a page of 99 footprints, in process, min of 15-25 runs, shared 2-core machine): a
# plain field costs 1-8 us to resolve; `Footprint.mapped(to:)` 0.4-2.1 ms per record (its share of the page's
# ZJ documents, then the mapping; CATENAX_PCF the dearest); `Decision.trace` 1.9-2.2 ms per decision (a trace is
# kilobytes of JSON, narrowed to what the caller may read). That is about 100-800 and 300-1000 plain fields.
FIELD_COSTS: dict[tuple[str, str], int] = {
    ("Footprint", "mapped"): 200,
    ("Decision", "trace"): 500,
}


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_aliases: int
    max_directives: int
    max_cost: int


# Fields whose subtrees the depth rule does not measure: introspection, bounded by its own rule.
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


class Depth(Walk[int]):
    """How deep a selection set nests, through fragments (a `__typename` leaf adds no level)."""

    def combine(self, values: Iterable[int]) -> int:
        return max(values, default=0)

    def field(self, node: FieldNode, parent: Any) -> int:
        if node.name.value in INTROSPECTION_ROOTS:
            return 1  # bounded by graphql-core's MaxIntrospectionDepthRule instead (see protection_rules)
        own = 0 if node.name.value.startswith("__") and node.selection_set is None else 1
        return own + self.selection_set(node.selection_set, parent)


class Aliases(Walk[int]):
    """Aliased fields the operation would run: a fragment's aliases count at every place it is spread (so
    aliases cannot hide in a fragment spread many times)."""

    def combine(self, values: Iterable[int]) -> int:
        return sum(values)

    def field(self, node: FieldNode, parent: Any) -> int:
        return (node.alias is not None) + self.selection_set(node.selection_set, parent)


def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    class MaxDepth(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = Depth(self.context.document).selection_set(node.selection_set, None)
            if depth > max_depth:
                name = node.name.value if node.name else "(anonymous)"
                self.report_error(
                    GraphQLError(f"Operation {name} is nested deeper than the limit of {max_depth}.", node)
                )

    return MaxDepth


def alias_rule(max_aliases: int) -> type[ASTValidationRule]:
    class MaxAliases(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if Aliases(self.context.document).selection_set(node.selection_set, None) > max_aliases:
                self.report_error(GraphQLError(f"The query uses more than {max_aliases} aliases.", node))

    return MaxAliases


def directive_rule(max_directives: int) -> type[ASTValidationRule]:
    class MaxDirectives(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            self.count = 0

        def enter_directive(self, node: Any, *_: Any) -> None:
            self.count += 1
            if self.count == max_directives + 1:
                self.report_error(GraphQLError(f"The query uses more than {max_directives} directives.", node))

    return MaxDirectives


# Introspection is for authenticated callers outside dev mode (`__typename` is always allowed); so is
# federation's `_service`, which prints the whole schema.
INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "_service"})


def introspection_fields(document: DocumentNode) -> list[FieldNode]:
    """The fields of `document` (operations and fragments) that introspect the schema. Whether the caller
    may run them depends on the caller, so this is checked per request (hub/api/extensions.CallerChecks)."""

    class Find(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[FieldNode] = []

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.name.value in INTROSPECTION_FIELDS:
                self.found.append(node)

    finder = Find()
    visit(document, finder)
    return finder.found


def protection_rules(limits: Limits) -> list[type[ASTValidationRule]]:
    """The depth limit leaves introspection out: the standard full introspection query (graphql-js
    `getIntrospectionQuery()`, as schema tools send it) nests 13 deep through `ofType`. Its real danger,
    `fields { type { fields { ... } } }` multiplying at every level, is what graphql-core's own
    `MaxIntrospectionDepthRule` refuses (three nested lists of `__Type`). Introspection needs a token anyway."""
    return [
        MaxIntrospectionDepthRule,
        depth_rule(limits.max_depth),
        alias_rule(limits.max_aliases),
        directive_rule(limits.max_directives),
    ]


# -- cost ------------------------------------------------------------------------------------------


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> int:
    """Fields the query may resolve: each field counts once per parent item (a heavy one as FIELD_COSTS says);
    a page multiplies its items by `first` (or the default page size), any other list by LIST_ESTIMATE.
    Selections that `@skip` / `@include` leave out with these variables cost nothing."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return Cost(document, variables, schema).selection_set(operation.selection_set, root)


class Cost(Walk[int]):
    """The cost of a selection set for one parent item: the cost is linear in the number of parent items, so
    a fragment's cost is worked out once and multiplied wherever it is spread (never walking the expansion)."""

    def combine(self, values: Iterable[int]) -> int:
        return sum(values)

    def field(self, node: FieldNode, parent: Any) -> int:
        own = FIELD_COSTS.get((getattr(parent, "name", ""), node.name.value), 1)
        fields = getattr(parent, "fields", None)
        field_def = fields.get(node.name.value) if fields else None
        if field_def is None or node.selection_set is None:
            return own
        items = _items(node, field_def.type, parent, self.variables or {})
        return own + items * self.selection_set(node.selection_set, get_named_type(field_def.type))


def _items(node: FieldNode, field_type: Any, parent: Any, variables: dict[str, Any]) -> int:
    for arg in node.arguments or ():
        if arg.name.value == "first":
            value = value_from_ast_untyped(arg.value, variables)
            return value if isinstance(value, int) and value >= 0 else DEFAULT_PAGE
        if arg.name.value == "representations":  # federation's _entities: one item per representation
            value = value_from_ast_untyped(arg.value, variables)
            return len(value) if isinstance(value, list) else 1
    if get_named_type(field_type).name.endswith("Connection"):
        return DEFAULT_PAGE
    if isinstance(parent, GraphQLObjectType) and parent.name.endswith("Connection") and node.name.value == "edges":
        return 1  # the connection's page size is already counted
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    return LIST_ESTIMATE if isinstance(inner, GraphQLList) else 1

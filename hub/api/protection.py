"""Protection against expensive queries, refused before execution: depth, aliases, directives (validation
rules), tokens (the parser's limit), cost (an estimate from the query and the page sizes it asks for),
and introspection for the public role outside dev mode. graphql-core ships none of the first three
and strawberry's extensions run after parsing; these run as validation rules, cached with the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    get_named_type,
    value_from_ast_untyped,
    visit,
)
from graphql.validation import MaxIntrospectionDepthRule

from hub.api.pagination import DEFAULT_PAGE

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


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


# Fields whose subtrees the depth rule does not measure: introspection, bounded by its own rule.
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


def _depth(
    node: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
    limit: int,
    memo: dict[str, int],
) -> int:
    """How deep `node` nests, through fragments. A fragment's own depth is measured once (`memo`): a
    fragment spread twice in each of 30 fragments would otherwise be walked 2^30 times."""
    if node is None:
        return 0
    deepest = 0
    for sel in node.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value in INTROSPECTION_ROOTS:
                d = 1  # bounded by graphql-core's MaxIntrospectionDepthRule instead (see protection_rules)
            else:
                d = 0 if sel.name.value.startswith("__") and sel.selection_set is None else 1
                d += _depth(sel.selection_set, fragments, seen, limit, memo)
        elif isinstance(sel, InlineFragmentNode):
            d = _depth(sel.selection_set, fragments, seen, limit, memo)
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by the standard rules
            if name not in memo:
                memo[name] = _depth(fragments[name].selection_set, fragments, seen | {name}, limit, memo)
            d = memo[name]
        else:  # pragma: no cover
            continue
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest  # no need to measure how much deeper it goes
    return deepest


def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    class MaxDepth(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = _depth(node.selection_set, _fragments(self.context.document), frozenset(), max_depth, {})
            if depth > max_depth:
                name = node.name.value if node.name else "(anonymous)"
                self.report_error(
                    GraphQLError(f"Operation {name} is nested deeper than the limit of {max_depth}.", node)
                )

    return MaxDepth


def _aliases(
    node: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
    memo: dict[str, int],
) -> int:
    """Aliased fields the operation would run: a fragment's aliases count at every place it is spread
    (so aliases cannot hide in a fragment spread many times), each fragment counted once (`memo`)."""
    if node is None:
        return 0
    count = 0
    for sel in node.selections:
        if isinstance(sel, FieldNode):
            count += (sel.alias is not None) + _aliases(sel.selection_set, fragments, seen, memo)
        elif isinstance(sel, InlineFragmentNode):
            count += _aliases(sel.selection_set, fragments, seen, memo)
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by the standard rules
            if name not in memo:
                memo[name] = _aliases(fragments[name].selection_set, fragments, seen | {name}, memo)
            count += memo[name]
    return count


def alias_rule(max_aliases: int) -> type[ASTValidationRule]:
    class MaxAliases(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if _aliases(node.selection_set, _fragments(self.context.document), frozenset(), {}) > max_aliases:
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
    a page multiplies its items by `first` (or the default page size), any other list by LIST_ESTIMATE."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _cost(schema, operation.selection_set, root, 1, fragments, variables, frozenset(), {})


def _cost(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode | None,
    parent: Any,
    multiplier: int,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: frozenset[str],
    memo: dict[str, int],
) -> int:
    """The cost is linear in `multiplier`, so a fragment's cost is worked out once, for one parent item
    (`memo`), and multiplied at each spread: measuring never walks a fragment's expansion."""
    if selection_set is None:
        return 0
    total = 0
    for sel in selection_set.selections:
        if isinstance(sel, InlineFragmentNode):
            cond = schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            total += _cost(schema, sel.selection_set, cond or parent, multiplier, fragments, variables, seen, memo)
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            frag = fragments.get(name)
            if frag is None or name in seen:
                continue
            if name not in memo:
                cond = schema.get_type(frag.type_condition.name.value) or parent
                memo[name] = _cost(schema, frag.selection_set, cond, 1, fragments, variables, seen | {name}, memo)
            total += multiplier * memo[name]
        elif isinstance(sel, FieldNode):
            total += multiplier * FIELD_COSTS.get((getattr(parent, "name", ""), sel.name.value), 1)
            fields = getattr(parent, "fields", None)
            field_def = fields.get(sel.name.value) if fields else None
            if field_def is None or sel.selection_set is None:
                continue
            items = _items(sel, field_def.type, parent, variables)
            child = get_named_type(field_def.type)
            total += _cost(schema, sel.selection_set, child, multiplier * items, fragments, variables, seen, memo)
    return total


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

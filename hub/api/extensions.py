"""The schema extensions every hub's GraphQL schema runs (strawberry's own where they serve, ours where not).

strawberry's: `MaxTokensLimiter` (the parser's token limit), `ParserCache` and `ValidationCache` (a document is
parsed and validated once per query text). Both are strawberry's bounded LRU caches, which live in strawberry's
module (one per process, not on the Hub): the parse cache holds schema-independent ASTs, and the validation
cache is keyed by the schema object as well, so two hubs in one process never share a validation answer.

Ours, where strawberry has none or its own cannot serve (hub/api/protection.py says why): `CallerChecks` runs
the protection rules (validation rules, their answer cached per query text on the hub; a document over a limit
is refused with that reason alone, as before the move to strawberry's execution), and what depends on the caller
or the variables: introspection for authenticated callers, the cost estimate, and the fields the operation asks
for per record kind (so reads select only those).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_operation_ast,
    validate,
)
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from hub.api.literals import BoundedNumberLiterals
from hub.api.protection import Limits, estimate_cost, introspection_fields, protection_rules
from hub.api.selection import requested_fields
from hub.api.views import RECORD_TYPES
from hub.config import Settings

NO_OPERATION = "No operation to run: name it with operationName."
CACHE_SIZE = 512  # documents kept parsed and validated (strawberry's caches) and described (DocumentFacts, per hub)


@dataclass(frozen=True)
class Facts:
    """What a document is, whoever sends it: its protection errors (depth, aliases, directives, number
    literals), and when it has none, the fields it asks for per record kind and the fields that introspect."""

    refused: list[GraphQLError]
    wanted: dict[str, frozenset[str]] | None = None
    introspecting: list[FieldNode] = field(default_factory=list)


class DocumentFacts:
    """`Facts` per query text, computed once: a bounded LRU per hub (not per process)."""

    def __init__(self, rules: list[type[ASTValidationRule]], size: int = CACHE_SIZE) -> None:
        self.rules = rules
        self.size = size
        self.items: OrderedDict[str, Facts] = OrderedDict()

    def of(self, query: str, schema: GraphQLSchema, document: DocumentNode) -> Facts:
        found = self.items.get(query)
        if found is not None:
            self.items.move_to_end(query)
            return found
        found = self._facts(schema, document)
        self.items[query] = found
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return found

    def _facts(self, schema: GraphQLSchema, document: DocumentNode) -> Facts:
        refused = validate(schema, document, self.rules)
        if refused:
            return Facts(list(refused))
        return Facts([], requested_fields(schema, document, set(RECORD_TYPES)), introspection_fields(document))


class CallerChecks(SchemaExtension):
    """The protection limits, and the checks of a document that depend on the caller or the variables."""

    def __init__(self, settings: Settings, facts: DocumentFacts) -> None:
        super().__init__()
        self.settings = settings
        self.facts = facts

    def on_operation(self) -> Iterator[None]:
        # graphql-core's comment limit, which strawberry's ParseOptions does not name
        cast(dict[str, Any], self.execution_context.parse_options)["max_comments"] = self.settings.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        """After `ValidationCache` (which stands before this in the list): a document over a protection limit
        is refused with that reason alone; introspection is refused to callers who may not introspect."""
        ec = self.execution_context
        if ec.graphql_document is not None and ec.query is not None:
            facts = self.facts.of(ec.query, ec.schema._schema, ec.graphql_document)
            if facts.refused:
                ec.pre_execution_errors = facts.refused
            elif not ec.pre_execution_errors and facts.introspecting and not self._may_introspect():
                message = "Introspection needs a bearer token on this hub (or dev mode)."
                ec.pre_execution_errors = [GraphQLError(message, node) for node in facts.introspecting]
        yield

    def _may_introspect(self) -> bool:
        return bool(self.execution_context.context.principal.authenticated) or self.settings.allow_public_introspection

    async def on_execute(self) -> AsyncIterator[None]:
        """Before execution: refuse a query above the cost limit (no resolver runs), tell the reader which
        fields the operation asks for, and let the query planner answer the operation if it covers it (the
        body it writes is on the context; ordinary execution is skipped)."""
        ec = self.execution_context
        document, schema = ec.graphql_document, ec.schema._schema
        if document is not None and ec.query is not None:
            operation = get_operation_ast(document, ec.context.operation_name)
            if operation is None:  # several operations and no operationName: graphql-core's rule, our words
                error: GraphQLError | None = GraphQLError(NO_OPERATION)
            else:
                error = _cost_error(schema, document, operation, ec.variables or {}, self.settings.max_cost)
            if error is not None:
                ec.result = ExecutionResult(data=None, errors=[error])
            ec.context.reader.wanted = self.facts.of(ec.query, schema, document).wanted
            planner = ec.context.planner
            if error is None and operation is not None and planner is not None:
                variables = ec.variables or {}
                planned = await planner.answer(ec.query, document, operation, variables, ec.context.principal)
                if planned is not None:
                    ec.context.planned = planned
                    ec.result = ExecutionResult(data=None, errors=None)  # answered: nothing left to execute
        yield


def _cost_error(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    limit: int,
) -> GraphQLError | None:
    cost = estimate_cost(schema, document, operation, variables)
    if cost <= limit:
        return None
    return GraphQLError(
        f"The query's estimated cost {cost} is above the limit of {limit}: ask for smaller pages or fewer fields."
    )


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The extensions of one hub's schema, as factories (strawberry makes each anew per request). Order
    matters: the validation cache validates before `CallerChecks` looks at its errors."""
    limits = Limits(settings.max_depth, settings.max_aliases, settings.max_directives, settings.max_cost)
    facts = DocumentFacts([*protection_rules(limits), BoundedNumberLiterals])
    return [
        partial(MaxTokensLimiter, settings.max_tokens),
        partial(ParserCache, CACHE_SIZE),
        partial(ValidationCache, CACHE_SIZE),
        partial(CallerChecks, settings, facts),
    ]

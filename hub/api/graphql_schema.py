"""The GraphQL schema (strawberry): an Apollo Federation 2 subgraph. Resolvers decode input, call a query or
service, map the result.

A field the caller's record does not hold is an authorization error on that field (hub/api/views.py),
never an empty value (strawberry's default resolver is `views.resolve_field`); relations resolve through the
catalog's DataLoaders (hub/api/relations.py).

Every record type with a global id is a federation entity keyed by it (`@key(fields: "id")`), so a
regional gateway can compose this hub with other services (docs/gateway.md); `_entities` reads records
under the caller's policy exactly as `node(id:)` does (hub/api/entities.py).

There is no schema global: each hub builds its own (`Hub.schema`, hub/bootstrap.py), with its own extensions.
"""

from __future__ import annotations

from typing import Final

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from hub.api.accounting import AccountingMutation, AccountingQuery
from hub.api.context import Context
from hub.api.entities import EntitiesQuery
from hub.api.extensions import schema_extensions
from hub.api.factor_search import FactorSearchQuery
from hub.api.federated import FederatedQuery
from hub.api.federation import FederationMutation, FederationQuery
from hub.api.labels import LabelsMutation, LabelsQuery, RegradeMutation
from hub.api.mutations import Mutation
from hub.api.pact import PactMutation, PactQuery
from hub.api.query import Query
from hub.api.sheets import SheetsMutation
from hub.api.sources import SourcesMutation, SourcesQuery
from hub.api.standards import StandardsMutation, StandardsQuery
from hub.api.views import resolve_field
from hub.config import Settings

__all__ = ["FEDERATION_VERSION", "Context", "build_schema"]

# A version that @theguild/federation-composition and @apollo/composition both compose.
FEDERATION_VERSION: Final = "2.3"


class HubSchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """strawberry's hook, which by default logs every error: the view formats them instead
        (hub/api/errors.format_error), logging each unexpected one once under the id its answer carries, and
        not the refusals (FORBIDDEN, bad input) that are answers, not faults."""


def build_schema(settings: Settings | None = None) -> HubSchema:
    """A new schema for one hub, with its extensions (hub/api/extensions.py) made from its settings."""
    schema = HubSchema(
        query=merge_types(
            "Query",
            (
                Query,
                StandardsQuery,
                EntitiesQuery,
                AccountingQuery,
                PactQuery,
                FederatedQuery,
                FederationQuery,
                LabelsQuery,
                FactorSearchQuery,
                SourcesQuery,
            ),
        ),
        mutation=merge_types(
            "Mutation",
            (
                Mutation,
                StandardsMutation,
                AccountingMutation,
                PactMutation,
                FederationMutation,
                LabelsMutation,
                RegradeMutation,
                SheetsMutation,
                SourcesMutation,
            ),
        ),
        config=StrawberryConfig(default_resolver=resolve_field),
        federation_version=FEDERATION_VERSION,
        extensions=schema_extensions(settings or Settings()),
    )
    return schema

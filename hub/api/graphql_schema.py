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
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from hub.api.accounting import AccountingMutation, AccountingQuery
from hub.api.context import Context
from hub.api.entities import EntitiesQuery
from hub.api.factor_search import FactorSearchQuery
from hub.api.federated import FederatedQuery
from hub.api.federation import FederationMutation, FederationQuery
from hub.api.labels import LabelsMutation, LabelsQuery, RegradeMutation
from hub.api.mutations import Mutation
from hub.api.pact import PactMutation, PactQuery
from hub.api.query import Query
from hub.api.standards import StandardsMutation, StandardsQuery
from hub.api.views import resolve_field

__all__ = ["FEDERATION_VERSION", "Context", "build_schema"]

# A version that @theguild/federation-composition and @apollo/composition both compose.
FEDERATION_VERSION: Final = "2.3"


def build_schema() -> strawberry.federation.Schema:
    """A new schema for one hub."""
    schema = strawberry.federation.Schema(
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
            ),
        ),
        config=StrawberryConfig(default_resolver=resolve_field),
        federation_version=FEDERATION_VERSION,
    )
    return schema

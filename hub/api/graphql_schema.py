"""The GraphQL schema (strawberry). Resolvers decode input, call a query or service, map the result.

The default resolver is `resolve_field`: a field the caller's record does not hold is an authorization
error on that field (see hub/api/types.py), never an empty value.
"""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from hub.api.context import Context
from hub.api.mutations import Mutation
from hub.api.query import Query
from hub.api.types import resolve_field

__all__ = ["Context", "schema"]

schema = strawberry.Schema(
    query=Query, mutation=Mutation, config=StrawberryConfig(default_resolver=resolve_field)
)

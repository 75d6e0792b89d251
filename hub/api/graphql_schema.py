"""The GraphQL schema (strawberry). Resolvers decode input, call a query or service, map the result.

A field the caller's record does not hold is an authorization error on that field (hub/api/views.py),
never an empty value. The record types' plain fields and relations resolve on a fast path (hub/api/fast.py).

There is no schema global: each hub builds its own (`Hub.schema`, hub/bootstrap.py), since installing the
fast path changes the built schema in place.
"""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from hub.api import fast
from hub.api.context import Context
from hub.api.labels import LabelsMutation, LabelsQuery, RegradeMutation
from hub.api.mutations import Mutation
from hub.api.query import Query
from hub.api.standards import StandardsMutation, StandardsQuery
from hub.api.views import RECORD_TYPES, resolve_field

__all__ = ["Context", "build_schema"]


def build_schema() -> strawberry.Schema:
    """A new schema with the fast path installed on the record types' plain fields and relations."""
    schema = strawberry.Schema(
        query=merge_types("Query", (Query, StandardsQuery, LabelsQuery)),
        mutation=merge_types("Mutation", (Mutation, StandardsMutation, LabelsMutation, RegradeMutation)),
        config=StrawberryConfig(default_resolver=resolve_field),
    )
    fast.install(schema._schema, set(RECORD_TYPES))
    return schema

"""graphql-core's executor with a fast path for the record types' plain scalar fields.

graphql-core builds a resolve-info object, looks up arguments and checks for awaitables for every field;
on a page of 100 footprints that is most of the execution time. A plain scalar field of a record type
(marked by hub/api/fast.py) is read from the object and serialized directly here; anything else (a field
the record does not hold, a value that does not serialize) takes graphql-core's own path, which raises
the authorization error or the serialization error exactly as before.
"""

from __future__ import annotations

from types import CoroutineType
from typing import Any

from graphql import GraphQLObjectType
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.pyutils import Undefined

_MISSING = object()
_PLAIN = frozenset({str, int, float, bool, type(None), dict, list})


def is_awaitable(value: Any) -> bool:
    """graphql-core's test, with the common answer first: most results are plain values."""
    if type(value) in _PLAIN:
        return False
    return isinstance(value, CoroutineType) or hasattr(value, "__await__")


class HubExecutor(IncrementalExecutor):
    def execute_field(  # type: ignore[override]
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        leaf = getattr(field_def.resolve, "leaf", None) if field_def is not None else None
        if leaf is not None:
            name, serialize = leaf
            value = source.__dict__.get(name, _MISSING)
            if value is None:
                return None
            if value is not _MISSING:
                try:
                    out = serialize(value)
                except Exception:  # left to graphql-core, which reports it on the field
                    out = Undefined
                if out is not Undefined:
                    return out
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

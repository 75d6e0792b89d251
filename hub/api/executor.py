"""graphql-core's executor with a fast path for the record types' plain scalar fields.

graphql-core builds a path, a resolve-info object, looks up arguments and checks for awaitables for every
field; on a page of 100 footprints that is most of the execution time. A plain scalar field of a record
type (marked by hub/api/fast.py) is read from the object and serialized directly here; anything else (a
field the record does not hold, a value that does not serialize, every other field) takes graphql-core's
own path, which raises the authorization error or the serialization error exactly as before.
"""

from __future__ import annotations

from collections.abc import Awaitable
from types import CoroutineType
from typing import Any, TypeGuard

from graphql import GraphQLObjectType
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.pyutils import Path, Undefined, gather_with_cancel

_MISSING = object()
_PLAIN = frozenset({str, int, float, bool, type(None), dict, list})


def is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's test, with the common answer first: most results are plain values."""
    if type(value) in _PLAIN:
        return False
    return isinstance(value, CoroutineType) or hasattr(value, "__await__")


def _leaf(field_def: Any, source: Any) -> Any:
    """The serialized value of a marked plain field, or _MISSING to let graphql-core do it."""
    leaf = getattr(field_def.resolve, "leaf", None)
    if leaf is None:
        return _MISSING
    name, serialize = leaf
    value = source.__dict__.get(name, _MISSING)
    if value is None or value is _MISSING:
        return value
    try:
        out = serialize(value)
    except Exception:  # left to graphql-core, which reports it on the field
        return _MISSING
    return _MISSING if out is Undefined else out


class HubExecutor(IncrementalExecutor):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's loop, answering marked plain fields inline (no path, no resolve info)."""
        if not hasattr(source_value, "__dict__"):
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        fields = parent_type.fields
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                field_def = fields.get(field_details_list[0].node.name.value)
                if field_def is not None:
                    value = _leaf(field_def, source_value)
                    if value is not _MISSING:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if self.is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                results[awaitable_fields[0]] = await results[awaitable_fields[0]]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

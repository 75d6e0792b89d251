"""Plans kept between requests: built once per (document, operation, variables, caller's grant set).

The statements embed the caller's policy (its role's row filters, with its organization and region as
bound values, and the sharing agreements in force), so the key holds all of them; the cache lives on the
endpoint of one hub (no process-wide state) and forgets the least recently used plan past its size.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Generic, TypeVar

import orjson

from hub.policy.access import Access

V = TypeVar("V")
Key = tuple[str, str | None, bytes, str, str | None, str | None, str]


def plan_key(query: str, operation_name: str | None, variables: dict[str, Any], access: Access) -> Key:
    p = access.principal
    grants = repr(access.agreements)  # the agreements in force shape the shared grants' filters and fields
    values = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    return (query, operation_name, values, access.role, p.org_iri, p.region, grants)


class PlanCache(Generic[V]):
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.items: OrderedDict[Key, V] = OrderedDict()

    def get(self, key: Key) -> V | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: Key, value: V) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)

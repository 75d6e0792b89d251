"""The two shapes of DataLoader the schema needs, both reading through the policy (hub/queries).

A loader hands back typed GraphQL objects (hub/api/types.view), so that a relation's resolver can return
the loader's future itself: no coroutine per row on the hot path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from strawberry.dataloader import DataLoader

from hub.queries.reader import Reader
from hub.queries.records import Record, by_keys

View = Callable[[Record], Any]


def records_by_key(reader: Reader, kind: str, view: View) -> DataLoader[int, Any]:
    """Rows of `kind` by database key; None where the row is missing or the caller may not read it."""

    async def load(keys: list[int]) -> list[Any]:
        found = {r["_id"]: view(r) for r in await by_keys(reader, kind, "id", keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def records_by_parent(reader: Reader, kind: str, column: str, view: View) -> DataLoader[int, list[Any]]:
    """Readable rows of `kind` whose foreign key `column` is the given parent key, in key order."""

    async def load(keys: list[int]) -> list[list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for r in await by_keys(reader, kind, column, keys):
            found[r[f"_{column}"]].append(view(r))
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)

"""The two shapes of DataLoader the schema needs, both reading through the policy (hub/queries)."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from hub.queries.reader import Reader
from hub.queries.records import Record, by_keys


def records_by_key(reader: Reader, kind: str) -> DataLoader[int, Record | None]:
    """Rows of `kind` by database key; None where the row is missing or the caller may not read it."""

    async def load(keys: list[int]) -> list[Record | None]:
        found = {r["_id"]: r for r in await by_keys(reader, kind, "id", keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def records_by_parent(reader: Reader, kind: str, column: str) -> DataLoader[int, list[Record]]:
    """Readable rows of `kind` whose foreign key `column` is the given parent key, in key order."""

    async def load(keys: list[int]) -> list[list[Record]]:
        found: dict[int, list[Record]] = defaultdict(list)
        for r in await by_keys(reader, kind, column, keys):
            found[r[f"_{column}"]].append(r)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)

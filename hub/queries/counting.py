"""Exact counts computed once per data version: `totalCount` of a large policy-filtered set (an enterprise's
readable footprints are most of a million) reads every matching row, and no index makes that flat.

A count is cached on the Hub (`Hub.counts`) under its compiled statement and parameters, which hold the
filter and the caller's row filters (its grants, claims and agreements in force): two callers share an entry
only when they count exactly the same rows. An entry holds the `data_version` it was counted at; triggers
bump that version in the transaction of every write to the tables a footprint read depends on (migration
0020), so a cached count is served only while no write has committed since, in this worker or any other.
The count and the version are read in one statement, hence one snapshot: a count is never filed under a
version newer than the rows it counted.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sqlalchemy import Select, select

from hub.db.models import DataVersion
from hub.queries.reader import Reader

CountKey = tuple[str, tuple[tuple[str, Any], ...]]


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


class CountCache:
    """Exact counts by (statement, parameters), each with the data version it holds at; least recently used
    entries go first once `size` are held."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[CountKey, tuple[int, int]] = OrderedDict()
        self.computed = 0  # counts run against the database (for tests: hits leave it unchanged)

    def get(self, key: CountKey, version: int) -> int | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def clear(self) -> None:
        self._entries.clear()

    def put(self, key: CountKey, version: int, count: int) -> None:
        self._entries[key] = (version, count)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _version() -> Any:
    return select(DataVersion.version).limit(1).scalar_subquery()  # its one row


def count_key(reader: Reader, stmt: Select[Any]) -> CountKey:
    compiled = stmt.compile(dialect=reader.engine.dialect)
    return str(compiled), tuple(sorted((k, _hashable(v)) for k, v in compiled.params.items()))


async def cached_count(reader: Reader, stmt: Select[Any], cache: CountCache | None) -> int:
    """The value of the count statement `stmt`: from `cache` while the data version it was counted at holds,
    else counted now (with the version, in one statement) and kept. Without a cache, counted every time."""
    if cache is None:
        return int((await reader.execute(stmt))[0][0])
    key = count_key(reader, stmt)
    version = (await reader.execute(select(_version())))[0][0]
    if version is not None and (hit := cache.get(key, int(version))) is not None:
        return hit
    row = (await reader.execute(select(stmt.scalar_subquery(), _version())))[0]
    counted, version = tuple(row)
    cache.computed += 1
    if version is not None:
        cache.put(key, int(version), int(counted))
    return int(counted)

"""DataLoaders derived from the catalog's relations (hub/policy/catalog.py): one per (record kind, key column),
made when a request first follows a relation to that kind by that column, so every relation is reached through
a loader reading under the caller's policy, and adding a relation adds no loader code.

What cannot be derived from a relation stays named here: `mapped_footprints` (a footprint in another vocabulary).
"""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from hub.api.loaders import mapped_footprints
from hub.api.loaders.batch import records_by_key, records_by_parent
from hub.api.views import record_view
from hub.policy.catalog import Relation
from hub.queries.mapped import MappedKey
from hub.queries.reader import Reader


class Loaders:
    """One request's loaders: a loader per (kind, column), shared by every relation that reads it, so a
    level of a page asks once per target (the footprints behind `supersedes` and `Decision.footprint` alike)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.mapped_footprints: DataLoader[MappedKey, Any] = mapped_footprints.make(reader)
        self._made: dict[tuple[str, str], DataLoader[Any, Any]] = {}

    @classmethod
    def create(cls, reader: Reader) -> Loaders:
        return cls(reader)

    def of(self, relation: Relation) -> DataLoader[Any, Any]:
        """The loader behind `relation`: records by key (to one; None where unreadable) or lists by parent key."""
        key = (relation.target, relation.target_key)
        loader = self._made.get(key)
        if loader is None:
            loader = self._made[key] = self._make(relation)
        return loader

    def _make(self, relation: Relation) -> DataLoader[Any, Any]:
        if relation.many:
            return records_by_parent(self.reader, relation.target, relation.column, record_view)
        return records_by_key(self.reader, relation.target, record_view)

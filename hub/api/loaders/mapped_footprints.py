"""Footprints mapped to another vocabulary: every `mapped(to:)` of a page in one batch (hub/queries/mapped)."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from hub.queries.mapped import MappedKey, mapped_footprints
from hub.queries.reader import Reader


def make(reader: Reader) -> DataLoader[MappedKey, Any]:
    async def load(keys: list[MappedKey]) -> list[Any]:
        return list(await mapped_footprints(reader, keys))

    return DataLoader(load_fn=load)

"""A footprint's life-cycle stages."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from hub.api.loaders.batch import records_by_parent
from hub.queries.reader import Reader
from hub.queries.records import Record


def make(reader: Reader) -> DataLoader[int, list[Record]]:
    return records_by_parent(reader, "FootprintStage", "footprint_id")

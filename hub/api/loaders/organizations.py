"""Organizations by key."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from hub.api.loaders.batch import records_by_key
from hub.queries.reader import Reader
from hub.queries.records import Record


def make(reader: Reader) -> DataLoader[int, Record | None]:
    return records_by_key(reader, "Organization")

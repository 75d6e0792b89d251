"""A footprint's decisions (label grades, recognition), in the order they were made."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from hub.api.loaders.batch import records_by_parent
from hub.api.views import record_view
from hub.queries.reader import Reader


def make(reader: Reader) -> DataLoader[int, list[Any]]:
    return records_by_parent(reader, "Decision", "footprint_id", record_view)

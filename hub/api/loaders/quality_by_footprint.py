"""A footprint's data-quality checks, oldest first (the newest is the one in force)."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from hub.api.loaders.batch import records_by_parent
from hub.api.views import record_view
from hub.queries.reader import Reader


def make(reader: Reader) -> DataLoader[int, list[Any]]:
    return records_by_parent(reader, "QualityResult", "footprint_id", record_view)

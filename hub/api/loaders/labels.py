"""Labels by key (a label event's label)."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from hub.api.loaders.batch import records_by_key
from hub.api.views import record_view
from hub.queries.reader import Reader


def make(reader: Reader) -> DataLoader[int, Any]:
    return records_by_key(reader, "Label", record_view)

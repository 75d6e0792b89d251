from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.credentials.live import LiveHub, live_hub


@pytest.fixture
def live(demo_db_url: str, tmp_path: Path) -> Iterator[LiveHub]:
    with live_hub(demo_db_url, tmp_path / "keys") as served:
        yield served

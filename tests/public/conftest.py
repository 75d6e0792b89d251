from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import databases
from tests.credentials.live import LiveHub, live_hub


@pytest.fixture(scope="module")
def live(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """The demo hub over real HTTP on loopback, its public base URL its own address (the QR codes name it).
    One per module: the page tests only read, and the demo holds a label in every state."""
    url = templates.fresh("demo", databases.with_demo)
    with live_hub(url, tmp_path_factory.mktemp("keys")) as served:
        yield served

"""A demo hub over real HTTP whose public base URL is its loopback address, so its did:web, credential URLs and
status list URLs all name the server the tests (and the independent verifier) talk to."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import select

from hub.app import create_app
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Label
from hub.domain.codes import LabelStatus
from hub.labels import lifecycle
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from tests.api.live import LiveServer, free_port

# The regulator's supervision step that leads to each status (hub/labels/machine.yaml).
SUPERVISION_STEP = {LabelStatus.SUSPENDED: "suspend", LabelStatus.ISSUED: "reinstate", LabelStatus.REVOKED: "revoke"}


class PinnedServer(LiveServer):
    """LiveServer on a port chosen before the app is built (the app's settings name its own URL)."""

    def __init__(self, app: Any, port: int) -> None:
        super().__init__(app)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)


class LiveHub:
    def __init__(self, hub: Hub, settings: Settings, client: httpx.Client) -> None:
        self.hub, self.settings, self.client = hub, settings, client
        self.url = settings.public_base_url

    def _run(self, work: Any) -> Any:
        """Run `work(hub)` with a hub of its own (its connections belong to this thread's loop)."""

        async def run() -> Any:
            hub = open_hub(self.settings)
            try:
                return await work(hub)
            finally:
                await hub.close()

        return asyncio.run(run())

    def serials(self, status: LabelStatus = LabelStatus.ISSUED) -> list[str]:
        async def work(hub: Hub) -> list[str]:
            async with unit_of_work(hub.sessions) as session:
                found = await session.scalars(select(Label.serial).where(Label.status == status).order_by(Label.id))
                return list(found)

        return list(self._run(work))

    def set_status(self, serial: str, new: LabelStatus) -> None:
        """Change a label's status through the label service (the path every mutation takes)."""

        async def work(hub: Hub) -> None:
            async with unit_of_work(hub.sessions) as session:
                label = await session.scalar(select(Label).where(Label.serial == serial))
                assert label is not None
                step = SUPERVISION_STEP[new]
                base, today = hub.settings.base_iri, hub.clock.today()
                origin = Origin("test-regulator")
                await lifecycle.supervise(session, label, step, "credential test", origin, base, today)

        self._run(work)

    def credential(self, serial: str) -> dict[str, Any]:
        response = self.client.get(f"/l/{serial}/credential.json")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def verify(self, document: Any) -> dict[str, Any]:
        response = self.client.post("/vc/verify", json=document)
        assert response.status_code == 200, response.text
        return dict(response.json())


@contextmanager
def live_hub(db_url: str, key_dir: Path) -> Iterator[LiveHub]:
    port = free_port()
    settings = Settings(database_url=db_url, key_dir=key_dir, public_base_url=f"http://127.0.0.1:{port}")
    hub = open_hub(settings)
    with PinnedServer(create_app(hub=hub), port), httpx.Client(base_url=settings.public_base_url, timeout=60) as client:
        yield LiveHub(hub, settings, client)

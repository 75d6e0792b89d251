"""Three real hubs (ZJ, YRD, GBA) on loopback, each with its own database, keys, base IRI and did:web, that know
each other as peers. Reusable: `federation` is the fixture; `Federation.cli(region, ...)` runs the `cfhub`
command as that hub's operator, `Federation.db(region)` reads its database directly (for assertions only).

Each hub's database is a copy of the demo data loaded under that hub's own base IRI (so the three hold
distinct records), each hub serves its app with uvicorn (its DID document is what peers verify against), and
each gets a sharing agreement for each of the other two regions. Peers are registered with the usage terms
given in `TERMS` (per sender -> receiver), which a test may change with `set_terms`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.pool import NullPool

from hub.app import create_app
from hub.bootstrap import open_hub
from hub.config import Settings
from hub.db import migrate
from hub.db.engine import sync_url
from hub.db.models import Organization
from hub.domain.codes import Region
from hub.federation.peers import PeerInput, add_peer
from hub.integrity.identity import did_web
from hub.services.origin import Origin
from hub.services.sharing import create_sharing_agreement
from hub.services.uow import unit_of_work
from tests import databases
from tests.api.live import LiveServer, free_port

REGIONS = ("ZJ", "YRD", "GBA")
# importBundle carries a whole bundle in its request: a hub that imports through GraphQL raises the body limit
# (CFHUB_MAX_BODY_BYTES); `cfhub import FILE` has none.
BODY_BYTES = 4_000_000
# The fields each hub shares with a partner: fewer than it holds, so a test can see what is withheld.
SHARED_FIELDS = [
    "version", "status", "declared_unit", "declared_unit_amount", "total_kgco2e", "fossil_kgco2e",
    "system_boundary", "reference_period_start", "reference_period_end", "geography_country", "product",
    "stages", "decisions", "labels",
]  # fmt: skip
# (sender, receiver) -> (read_by, onward_transfer, retention_days): GBA lets nothing of its go on.
TERMS: dict[tuple[str, str], tuple[tuple[str, ...], bool, int | None]] = {
    ("ZJ", "YRD"): (("regulator", "regional_platform"), True, 365),
    ("ZJ", "GBA"): (("regulator",), False, 365),
    ("YRD", "ZJ"): (("regulator",), True, None),
    ("YRD", "GBA"): (("regulator",), False, 365),
    ("GBA", "ZJ"): (("regulator",), False, 30),
    ("GBA", "YRD"): (("regulator",), False, 30),
}


def base_iri(region: str) -> str:
    return f"https://{region.lower()}.cfhub.example.org/id/"


@dataclass
class RunningHub:
    region: str
    settings: Settings
    server: LiveServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def did(self) -> str:
        return did_web(self.url)

    def env(self) -> dict[str, str]:
        s = self.settings
        return {
            "CFHUB_DATABASE_URL": s.database_url,
            "CFHUB_BASE_IRI": s.base_iri,
            "CFHUB_REGION": s.region.value,
            "CFHUB_PUBLIC_BASE_URL": s.public_base_url,
            "CFHUB_KEY_DIR": str(s.key_dir),
            "CFHUB_MAX_BODY_BYTES": str(s.max_body_bytes),
        }


class Federation:
    def __init__(self, hubs: dict[str, RunningHub], workdir: Path) -> None:
        self.hubs = hubs
        self.workdir = workdir

    def __getitem__(self, region: str) -> RunningHub:
        return self.hubs[region]

    def cli(self, region: str, *args: str) -> Result:
        return CliRunner().invoke(_main(), list(args), env=self[region].env())

    def export(self, sender: str, receiver: str) -> Path:
        path = self.workdir / f"{sender}-to-{receiver}-{len(list(self.workdir.glob('*.json')))}.json"
        result = self.cli(sender, "export", "--to", receiver, "--out", str(path))
        assert result.exit_code == 0, result.output
        return path

    def engine(self, region: str) -> Engine:
        return create_engine(sync_url(self[region].settings.database_url), poolclass=NullPool)

    def rows(self, region: str, sql: str, **params: Any) -> list[Any]:
        engine = self.engine(region)
        with engine.connect() as conn:
            found = list(conn.execute(text(sql), params).all())
        engine.dispose()
        return found

    def set_terms(self, sender: str, receiver: str, onward_transfer: bool) -> None:
        engine = self.engine(sender)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE peer SET onward_transfer = :o WHERE region = :r"), {"o": onward_transfer, "r": receiver}
            )
        engine.dispose()


def _main() -> Any:
    from hub.cli import main

    return main


def _fill(region: str) -> Any:
    def fill(url: str) -> None:
        from hub.demo.loader import load_demo

        migrate.upgrade(url)

        async def load() -> None:
            hub = open_hub(Settings(database_url=url, base_iri=base_iri(region), region=Region(region)))
            try:
                await load_demo(hub)
            finally:
                await hub.close()

        databases._distinct_keys(url, lambda: asyncio.run(load()))

    return fill


async def _befriend(settings: Settings, urls: dict[str, str], agreement_fields: list[str]) -> None:
    """Agreements for the other two regions, and the other two hubs as peers under them."""
    hub = open_hub(settings)
    own = settings.region.value
    try:
        async with unit_of_work(hub.sessions) as session:
            regulator = select(Organization).where(Organization.iri == f"{settings.base_iri}org/zj-regulator")
            granted_by = (await session.scalars(regulator)).one()
            for other in (r for r in REGIONS if r != own):
                data = {
                    "region": other,
                    "title": f"{own} shares with {other} (test)",
                    "record_kinds": ["Footprint", "Product", "Decision", "FootprintStage", "Label"],
                    "statuses": ["published", "verified"],
                    "fields": {"Footprint": agreement_fields},
                    "valid_from": date(2025, 1, 1),
                }
                origin = Origin(granted_by.iri, clock=hub.clock)
                agreement = await create_sharing_agreement(session, data, granted_by, origin, settings.base_iri)
                read_by, onward, days = TERMS[(own, other)]
                peer = PeerInput(other, urls[other], None, agreement.iri, None, read_by, onward, days)
                await add_peer(session, peer, settings.region, "test")
    finally:
        await hub.close()


@pytest.fixture
def federation(templates: databases.Templates, tmp_path: Path) -> Iterator[Federation]:
    ports = {region: free_port() for region in REGIONS}
    urls = {region: f"http://127.0.0.1:{port}" for region, port in ports.items()}
    running: dict[str, RunningHub] = {}
    servers: list[LiveServer] = []
    try:
        for region in REGIONS:
            settings = Settings(
                database_url=templates.fresh(f"demo_{region}", _fill(region)),
                base_iri=base_iri(region),
                region=Region(region),
                public_base_url=urls[region],
                key_dir=tmp_path / region / "keys",
                max_body_bytes=BODY_BYTES,
            )
            asyncio.run(_befriend(settings, urls, SHARED_FIELDS))
            server = LiveServer(create_app(hub=open_hub(settings)))
            server.port, server.url = ports[region], urls[region]  # the port the hub's DID names
            server.server.config.port = ports[region]
            servers.append(server.__enter__())
            running[region] = RunningHub(region, settings, server)
        yield Federation(running, tmp_path)
    finally:
        for server in servers:
            server.__exit__(None, None, None)

"""The demo's source files (hub/demo/data/sources/): imported by the demo loader in its own unit of work, as
the regulator would import them, so that the quality rules have monitored energy use and verified emission
reports to compare the demo footprints with (docs/sources.md, "Demo files")."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.domain.codes import SourceKind
from hub.services.origin import Origin
from hub.sources.importer import SourceFile, checked_rows, store
from hub.sources.layout import load_layout
from hub.units.registry import units_of

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "data" / "sources"
# file -> (kind, publisher, licence); the publishers are illustrative, like every demo figure
DEMO_FILES = {
    "energy-monitoring-2024.csv": (
        "energy-monitoring",
        "Zhejiang key energy-using unit online monitoring system (demo)",
        "demo data, illustrative only",
    ),
    "verified-emissions-2024.csv": (
        "verified-emissions",
        "Zhejiang verified emission reports (demo)",
        "demo data, illustrative only",
    ),
}


async def load_demo_sources(session: AsyncSession, hub: Hub, actor: str) -> int:
    """Import every demo source file in `session`; the number of rows stored."""
    layout, units, rows = load_layout(), units_of(session), 0
    for name, (kind, publisher, licence) in DEMO_FILES.items():
        file = SourceFile(kind, name, (DEMO_DIR / name).read_bytes(), publisher, licence)
        checked = checked_rows(layout, units, file, hub.clock.today())
        origin = Origin(actor=actor, source=SourceKind.DEMO, source_ref=name, clock=hub.clock)
        rows += (await store(session, origin, hub.settings, file, checked)).rows
    return rows

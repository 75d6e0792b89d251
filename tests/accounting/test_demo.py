"""Issue 14 "Done when": the demo footprints are computed by the hub's own accounting, still show every stage
that has lines, and carry an interval with its draws and seed."""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db.models import Footprint, FootprintStage, InventoryLine


async def test_every_demo_footprint_is_its_inventory_summed_with_an_interval(demo_hub: Hub) -> None:
    async with demo_hub.sessions() as session:
        footprints = list(await session.scalars(select(Footprint)))
        lines = list(await session.scalars(select(InventoryLine)))
        stages = list(await session.scalars(select(FootprintStage)))
    by_stage: dict[tuple[int, str], float] = defaultdict(float)
    for line in lines:
        by_stage[(line.footprint_id, line.stage.value)] += line.kgco2e
    stored = {(s.footprint_id, s.stage.value): s.kgco2e for s in stages}
    assert footprints and set(stored) == set(by_stage)  # every stage with lines, no other
    for key, value in by_stage.items():
        assert math.isclose(stored[key], value, rel_tol=1e-9)
    for fp in footprints:
        own = [v for (fid, _), v in by_stage.items() if fid == fp.id]
        assert math.isclose(fp.total_kgco2e, math.fsum(own), rel_tol=1e-9)
        assert math.isclose(
            fp.fossil_kgco2e + (fp.biogenic_kgco2e or 0) + (fp.land_use_change_kgco2e or 0),
            fp.total_kgco2e,
            rel_tol=1e-9,
        )
        assert fp.uncertainty_low_kgco2e is not None and fp.uncertainty_high_kgco2e is not None
        assert fp.uncertainty_low_kgco2e <= fp.total_kgco2e <= fp.uncertainty_high_kgco2e
        assert (fp.uncertainty_draws, fp.uncertainty_seed) == (10000, 20261127)

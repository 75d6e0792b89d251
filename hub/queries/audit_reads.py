"""Reads of private records (inventory lines) leave a hash-chained audit event, one per footprint read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.db.models import Footprint, InventoryLine
from hub.queries.reader import Reader
from hub.services import audit
from hub.services.uow import unit_of_work

ATTEMPTS = 5  # two writers extending the chain at once: one loses on the unique link, and tries again


async def record_reads(reader: Reader, kind_name: str, records: list[dict[str, Any]]) -> None:
    if kind_name != "InventoryLine":
        raise ValueError(f"no read audit defined for {kind_name}")
    line_keys = [r["_id"] for r in records]
    for attempt in range(ATTEMPTS):
        try:
            async with unit_of_work(reader.sessions) as session:
                rows = (
                    await session.execute(
                        select(Footprint.iri, InventoryLine.iri)
                        .join(Footprint, Footprint.id == InventoryLine.footprint_id)
                        .where(InventoryLine.id.in_(line_keys))
                        .order_by(Footprint.id, InventoryLine.id)
                    )
                ).all()
                lines: dict[str, list[str]] = defaultdict(list)
                for footprint_iri, line_iri in rows:
                    lines[footprint_iri].append(line_iri)
                for footprint_iri, iris in lines.items():
                    await audit.record(
                        session,
                        reader.principal.actor,
                        "read:inventory",
                        "Footprint",
                        footprint_iri,
                        {"role": reader.principal.role.value, "lines": iris},
                    )
            return
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise

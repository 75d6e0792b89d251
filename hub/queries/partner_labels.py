"""Reading labels partner hubs issued (hub/federation/labels.py), under the caller's policy like any record."""

from __future__ import annotations

from hub.db.models import PartnerLabel
from hub.domain.codes import Region
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch

KIND = "PartnerLabel"


async def partner_label(reader: Reader, region: str, serial: str) -> Record | None:
    """The label with this serial from the partner hub of `region` (serials are unique per origin only)."""
    if region not in {r.value for r in Region}:
        return None
    found = await fetch(reader, KIND, PartnerLabel.origin_region == Region(region), PartnerLabel.serial == serial)
    return found[0] if found else None


async def origins_of(reader: Reader, serial: str) -> list[str]:
    """The regions of the partner hubs that issued a label with this serial, as far as the caller may read."""
    found = await fetch(reader, KIND, PartnerLabel.serial == serial, order_by=[PartnerLabel.origin_region], limit=5)
    return [str(getattr(r.get("origin_region"), "value", r.get("origin_region"))) for r in found]

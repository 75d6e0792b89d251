"""Which footprint of a product is current: the newest published one. A newer published footprint of the same
product retires the older ones (PACT v3: only the newest is Active, the older are Deprecated); they stay
readable as history, keep their version numbers and decisions, and leave the category benchmarks.

"Newer" is the order the hub stored them in (a new version is always stored after the one it supersedes).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import aliased

from hub.db.models import Footprint
from hub.domain.codes import FootprintStatus


def retired() -> ColumnElement[bool]:
    """True for a footprint of which a newer footprint of the same product is published."""
    newer = aliased(Footprint)
    return exists().where(
        newer.product_id == Footprint.product_id,
        newer.status == FootprintStatus.PUBLISHED,
        newer.id > Footprint.id,
    )

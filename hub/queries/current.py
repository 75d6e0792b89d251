"""Which footprint of a product is current: the newest published one. A newer published footprint of the same
product retires the older ones (PACT v3: only the newest is Active, the older are Deprecated); they stay
readable as history, keep their version numbers and decisions, and leave the category benchmarks, which
count only footprints verified by an accredited body (`benchmarked`).

"Newer" is the order the hub stored them in (a new version is always stored after the one it supersedes).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import aliased

from hub.db.models import Footprint, Organization
from hub.domain.codes import FootprintStatus


def retired() -> ColumnElement[bool]:
    """True for a footprint of which a newer footprint of the same product is published."""
    newer = aliased(Footprint)
    return exists().where(
        newer.product_id == Footprint.product_id,
        newer.status == FootprintStatus.PUBLISHED,
        newer.id > Footprint.id,
    )


def benchmarked() -> ColumnElement[bool]:
    """The footprints a category benchmark is made of: published, current (each product once), and verified by
    an accredited body, as the label rules require for grading (rulesets/label_grade/zj-general)."""
    accredited = select(Organization.id).where(
        Organization.accreditation.is_not(None), Organization.accreditation != ""
    )
    return and_(Footprint.status == FootprintStatus.PUBLISHED, ~retired(), Footprint.verifier_id.in_(accredited))

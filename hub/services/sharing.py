"""Use cases for sharing agreements: what a partner region's platform may read on this hub."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Organization, SharingAgreement
from hub.domain.codes import FootprintStatus, Region
from hub.policy.catalog import KINDS
from hub.services import audit
from hub.services.origin import Origin, new_iri
from hub.validation import FieldError, InvalidInput


def agreement_problems(data: dict[str, Any]) -> list[FieldError]:
    found: list[FieldError] = []
    if data.get("region") not in {r.value for r in Region}:
        found.append(FieldError("$.region", f"is not a region: {data.get('region')!r}"))
    if not str(data.get("title") or "").strip():
        found.append(FieldError("$.title", "is required"))
    kinds = data.get("record_kinds") or []
    if not kinds:
        found.append(FieldError("$.record_kinds", "must name at least one record kind"))
    for i, kind in enumerate(kinds):
        if kind not in KINDS:
            found.append(FieldError(f"$.record_kinds[{i}]", f"is not a record kind: {kind!r}"))
    statuses = {s.value for s in FootprintStatus}
    for i, status in enumerate(data.get("statuses") or []):
        if status not in statuses:
            found.append(FieldError(f"$.statuses[{i}]", f"is not a footprint status: {status!r}"))
    for kind, names in (data.get("fields") or {}).items():
        if kind not in kinds:
            found.append(FieldError(f"$.fields.{kind}", "names a kind the agreement does not cover"))
            continue
        for name in names:
            if name not in KINDS[kind].fields:
                found.append(FieldError(f"$.fields.{kind}", f"{kind} has no field '{name}'"))
    start, end = data.get("valid_from"), data.get("valid_until")
    if not isinstance(start, date):
        found.append(FieldError("$.valid_from", "is required"))
    elif isinstance(end, date) and end < start:
        found.append(FieldError("$.valid_until", "is before valid_from"))
    return found


async def create_sharing_agreement(
    session: AsyncSession, data: dict[str, Any], granted_by: Organization, origin: Origin, base_iri: str
) -> SharingAgreement:
    problems = agreement_problems(data)
    if problems:
        raise InvalidInput(problems)
    agreement = SharingAgreement(
        iri=new_iri(base_iri, "sharing-agreement"),
        region=Region(data["region"]),
        title=data["title"],
        record_kinds=list(data["record_kinds"]),
        statuses=list(data.get("statuses") or []),
        fields={k: list(v) for k, v in (data.get("fields") or {}).items()},
        valid_from=data["valid_from"],
        valid_until=data.get("valid_until"),
        granted_by_id=granted_by.id,
    )
    origin.stamp(agreement)
    session.add(agreement)
    await session.flush()
    await audit.record(session, origin.actor, "create", "SharingAgreement", agreement.iri, {"region": data["region"]})
    return agreement

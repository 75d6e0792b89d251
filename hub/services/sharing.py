"""Use cases for sharing agreements: what a partner region's platform may read on this hub."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Organization, SharingAgreement
from hub.domain.codes import Region
from hub.policy.catalog import KINDS
from hub.services import audit
from hub.services.origin import Origin, new_iri
from hub.validation import FieldError, InvalidInput, problems


def agreement_problems(data: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with an agreement's input: its shape (sharing-agreement.schema.json), then the record
    kinds and field names, which must be ones the policy catalog knows."""
    record = as_json(data)
    return problems("sharing-agreement", record) or _catalog_problems(record)


def as_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The input as JSON, the way its schema describes it: dates in ISO form, absent values left out."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items() if v is not None}


def _catalog_problems(record: dict[str, Any]) -> list[FieldError]:
    kinds = record["record_kinds"]
    found = [
        FieldError(f"$.record_kinds[{i}]", f"is not a record kind: {kind!r}")
        for i, kind in enumerate(kinds)
        if kind not in KINDS
    ]
    for kind, names in record.get("fields", {}).items():
        if kind not in kinds:
            found.append(FieldError(f"$.fields.{kind}", "names a kind the agreement does not cover (see record_kinds)"))
        elif kind in KINDS:
            known = KINDS[kind].fields
            found += [
                FieldError(f"$.fields.{kind}[{i}]", f"{kind} has no field {name!r}")
                for i, name in enumerate(names)
                if name not in known
            ]
    if "valid_until" in record and record["valid_until"] < record["valid_from"]:
        found.append(FieldError("$.valid_until", "is before valid_from"))
    return found


async def create_sharing_agreement(
    session: AsyncSession, data: dict[str, Any], granted_by: Organization, origin: Origin, base_iri: str
) -> SharingAgreement:
    found = agreement_problems(data)
    if found:
        raise InvalidInput(found)
    record = as_json(data)
    until = record.get("valid_until")
    agreement = SharingAgreement(
        iri=new_iri(base_iri, "sharing-agreement"),
        region=Region(record["region"]),
        title=record["title"],
        record_kinds=list(record["record_kinds"]),
        statuses=list(record["statuses"]),
        fields={k: list(v) for k, v in record.get("fields", {}).items()},
        valid_from=date.fromisoformat(record["valid_from"]),
        valid_until=date.fromisoformat(until) if until else None,
        granted_by_id=granted_by.id,
    )
    origin.stamp(agreement)
    session.add(agreement)
    await session.flush()
    await audit.record(session, origin.actor, "create", "SharingAgreement", agreement.iri, {"region": record["region"]})
    return agreement

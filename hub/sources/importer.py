"""Use case: import a source file as a dataset, all or nothing, with its provenance.

The file is read and every row checked first (off the event loop); then, in ONE unit of work, the credit codes
are matched to the hub's enterprises and the dataset and its rows are written, or, if one problem remains,
nothing is. The dataset's version is the file's SHA-256, unique per source kind: importing the same bytes
again finds the dataset already there and changes nothing (two imports of one file at once: the unique
constraint lets exactly one write it; the other reports it unchanged).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.config import Settings
from hub.db.models import Dataset, Organization, SourceRecord
from hub.domain.codes import DatasetDirection, OrgKind, SourceKind
from hub.queries.reader import Reader
from hub.services import audit
from hub.services.origin import Origin, new_iri
from hub.services.uow import unit_of_work
from hub.sources.errors import RowError, SourceRefused
from hub.sources.layout import SourceLayout, load_layout
from hub.sources.parse import SourceRow, parse_source
from hub.units import Units
from hub.units.registry import units_of_maker

MUTATION = "importSource"


@dataclass(frozen=True)
class SourceImport:
    """The dataset the file is on the hub as, whether this import created it, and how many rows it holds."""

    dataset_iri: str
    created: bool
    rows: int

    def as_json(self) -> dict[str, Any]:
        return {"dataset": self.dataset_iri, "created": self.created, "rows": self.rows}


@dataclass(frozen=True)
class SourceFile:
    kind: str
    name: str  # the file's name, for messages and the dataset's source_ref
    body: bytes
    publisher: str
    licence: str


async def import_source(hub: Hub, principal: Principal, file: SourceFile) -> SourceImport:
    """Import `file` for `principal`: raises Forbidden or SourceRefused (nothing written)."""
    reader = Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, None, hub.clock)
    (await reader.access()).mutation_check(MUTATION)  # deny unless the policy names the caller's role
    layout = load_layout()
    today = hub.clock.today()
    rows = await anyio.to_thread.run_sync(partial(checked_rows, layout, units_of_maker(hub.sessions), file, today))
    origin = Origin(actor=principal.actor, source=SourceKind.IMPORT, source_ref=file.name, clock=hub.clock)
    try:
        async with unit_of_work(hub.sessions) as session:
            return await store(session, origin, hub.settings, file, rows)
    except IntegrityError:  # the same file imported at the same moment: the other import wrote it
        async with hub.sessions() as session:
            found = await _existing(session, file.kind, hashlib.sha256(file.body).hexdigest())
        if found is None:
            raise
        return found


def checked_rows(layout: SourceLayout, units: Units, file: SourceFile, today: date) -> list[SourceRow]:
    """Every row of `file`, checked; raises SourceRefused naming every problem. Pure: no database."""
    problems = _provenance_problems(layout, file)
    if file.kind not in layout.kinds:
        known = ", ".join(layout.kinds)
        kind_error = RowError(file.name, 0, "kind", f"{file.kind!r} is not a source kind; known: {known}")
        raise SourceRefused([kind_error, *problems])
    rows, errors = parse_source(layout.kinds[file.kind], layout, units, file.name, file.body, today)
    if problems or errors:
        raise SourceRefused(problems + errors)
    return rows


def _provenance_problems(layout: SourceLayout, file: SourceFile) -> list[RowError]:
    found = []
    for column, value in (("publisher", file.publisher), ("licence", file.licence)):
        if not value.strip():
            found.append(RowError(file.name, 0, column, "is empty; every dataset names its publisher and licence"))
        elif "\x00" in value:
            found.append(RowError(file.name, 0, column, "holds a NUL character"))
        elif len(value) > layout.limits.max_text:
            reason = f"has {len(value)} characters; at most {layout.limits.max_text}"
            found.append(RowError(file.name, 0, column, reason))
    return found


async def _existing(session: AsyncSession, kind: str, digest: str) -> SourceImport | None:
    found = await session.scalar(select(Dataset).where(Dataset.name == kind, Dataset.version == digest[:32]))
    return None if found is None else SourceImport(found.iri, False, found.record_count)


async def store(
    session: AsyncSession, origin: Origin, settings: Settings, file: SourceFile, rows: list[SourceRow]
) -> SourceImport:
    """Write the checked rows of `file` as a dataset in `session` (the caller's unit of work), or find the same
    file already imported; raises SourceRefused for a credit code no enterprise on the hub holds."""
    digest = hashlib.sha256(file.body).hexdigest()
    existing = await _existing(session, file.kind, digest)
    if existing is not None:
        return existing
    orgs = await _enterprises(session, {row.credit_code for row in rows})
    unknown = [
        RowError(file.name, row.row, "credit_code", f"{row.credit_code} is not an enterprise registered on this hub")
        for row in rows
        if row.credit_code not in orgs
    ]
    if unknown:
        raise SourceRefused(unknown)
    dataset = Dataset(
        iri=new_iri(settings.base_iri, "dataset"),
        name=file.kind,
        version=digest[:32],
        region=settings.region,
        direction=DatasetDirection.IMPORT,
        record_count=len(rows),
        content_hash=f"sha256:{digest}",
        source_hub=file.publisher,
        publisher=file.publisher,
        licence=file.licence,
    )
    origin.stamp(dataset)
    session.add(dataset)
    await session.flush()
    session.add_all(_record(dataset.id, file.kind, orgs[row.credit_code].id, row) for row in rows)
    await session.flush()
    detail = {"kind": file.kind, "file": file.name, "rows": len(rows), "content_hash": dataset.content_hash}
    await audit.record(session, origin.actor, "import-source", "Dataset", dataset.iri, detail)
    return SourceImport(dataset.iri, True, len(rows))


async def _enterprises(session: AsyncSession, codes: set[str]) -> dict[str, Organization]:
    found = await session.scalars(
        select(Organization).where(Organization.credit_code.in_(codes), Organization.kind == OrgKind.ENTERPRISE)
    )
    return {org.credit_code: org for org in found if org.credit_code is not None}


def _record(dataset_id: int, kind: str, org_id: int, row: SourceRow) -> SourceRecord:
    return SourceRecord(
        dataset_id=dataset_id,
        kind=kind,
        org_id=org_id,
        period_start=row.period_start,
        period_end=row.period_end,
        item=row.item,
        amount=row.amount,
        unit=row.unit,
        verifier=row.verifier,
        note=row.note,
        row=row.row,
    )

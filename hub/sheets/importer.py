"""Use case: import an uploaded workbook or CSV file, all or nothing, through the footprint service.

The file is read and every cell checked first (off the event loop); then, in ONE unit of work, each footprint
goes through the same checks as `createFootprint` (the caller's own product, readable references, the hub's
accounting). Every problem is collected, mapped back to its sheet, row and column; if one remains, the unit
of work rolls back and nothing is written. A footprint whose product and reference period are already on the
hub with the same figures is left as it is, so uploading the same file twice changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.bootstrap import Hub
from hub.db.models import Footprint, Product
from hub.domain.codes import LifeCycleStage, SystemBoundary
from hub.policy.access import Access, Forbidden
from hub.queries.reader import Reader
from hub.queries.targets import require_readable_references, target, unseen
from hub.services import accounting, footprints
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.sheets.errors import CellError, SheetRefused
from hub.sheets.layout import Layout, layout
from hub.sheets.parse import Planned, Progress, plan
from hub.sheets.read import sheets_of
from hub.units.registry import units_of_maker
from hub.validation import FieldError, InvalidInput

MUTATION = "createFootprint"  # an import is that many createFootprint calls: the policy's rule for it applies
_LINE_PATH = re.compile(r"^\$\.inventory\[(\d+)\](?:\.(\w+))?")


@dataclass
class ImportResult:
    """The footprints created, and those already on the hub as the file states them, by their `ref`."""

    created: dict[str, str] = field(default_factory=dict)
    unchanged: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "unchanged": self.unchanged}


def codes_of(hub: Hub) -> dict[str, frozenset[str]]:
    """The code lists cells are checked against (the drop-downs of the template)."""
    return {
        "unit": frozenset(units_of_maker(hub.sessions).names),
        "stage": frozenset(s.value for s in LifeCycleStage),
        "boundary": frozenset(b.value for b in SystemBoundary),
    }


def parse_file(
    body: bytes,
    codes: Mapping[str, frozenset[str]],
    progress: Progress | None = None,
    sheet_layout: Layout | None = None,
) -> list[Planned]:
    """Read and check the whole file; raises FileRefused or SheetRefused. Pure: no database."""
    shape = sheet_layout or layout()
    return plan(sheets_of(body, shape), shape, codes, progress)


class _DryRun(Exception):
    """Ends a dry run's unit of work so that it rolls back: everything was checked, nothing is kept."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


async def import_file(
    hub: Hub, principal: Principal, body: bytes, progress: Progress | None = None, *, dry_run: bool = False
) -> ImportResult:
    """Import `body` for `principal`: raises Forbidden, FileRefused or SheetRefused (nothing written). A dry
    run goes through every check and write of a real one, then rolls back: what it reports is what a real
    import would do."""
    reader = Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, None, hub.clock)
    access = await reader.access()
    access.mutation_check(MUTATION)  # a role the policy does not let create footprints reads nothing
    planned = await anyio.to_thread.run_sync(partial(parse_file, body, codes_of(hub), progress))
    origin = Origin(actor=principal.actor, clock=hub.clock)
    try:
        async with unit_of_work(hub.sessions) as session:
            result = await write(session, access, origin, hub.settings.base_iri, planned)
            if dry_run:
                raise _DryRun(result)
            return result
    except _DryRun as done:
        return done.result


async def write(
    session: AsyncSession, access: Access, origin: Origin, base_iri: str, planned: list[Planned]
) -> ImportResult:
    """Every planned footprint through the footprint service; raises SheetRefused (the caller's unit of work
    then rolls back) if any one is refused."""
    result, errors = ImportResult(), []
    keys: dict[tuple[str, str, str], int] = {}
    for item in planned:
        data = {**item.data, "inventory": [dict(line) for line in item.data["inventory"]]}
        key = (str(data["product_iri"]), str(data["reference_period_start"]), str(data["reference_period_end"]))
        if key in keys:
            reason = f"the same product and reference period as row {keys[key]}"
            errors.append(CellError("footprints", item.row, "product_iri", reason))
            continue
        keys[key] = item.row
        try:
            iri, created = await _one(session, access, origin, base_iri, data)
        except InvalidInput as exc:
            errors.extend(cell_of(item, e) for e in exc.errors)
            continue
        (result.created if created else result.unchanged)[item.ref] = iri
    if errors:
        raise SheetRefused(errors)
    return result


async def _one(
    session: AsyncSession, access: Access, origin: Origin, base_iri: str, data: dict[str, Any]
) -> tuple[str, bool]:
    """Create one footprint, or find it already imported: (its IRI, whether it was created)."""
    try:
        product = await target(session, access, MUTATION, Product, data["product_iri"], "$.product_iri")
    except Forbidden:  # another enterprise's product: refused in the words of one that does not exist
        raise InvalidInput([unseen("$.product_iri", "Product", data["product_iri"])]) from None
    await require_readable_references(session, access, data)
    # Two uploads of one file at once: a no-op UPDATE of the product row takes its row lock (PostgreSQL) or the
    # database's write lock (SQLite, where reads before a write run outside the transaction), so the second
    # waits, then finds the first's footprint: exactly one creates it.
    await session.execute(update(Product).where(Product.id == product.id).values(id=Product.id))
    existing = await session.scalar(
        select(Footprint)
        .where(
            Footprint.product_id == product.id,
            Footprint.reference_period_start == date.fromisoformat(data["reference_period_start"]),
            Footprint.reference_period_end == date.fromisoformat(data["reference_period_end"]),
        )
        .order_by(Footprint.version.desc())
        .limit(1)
    )
    if existing is None:
        footprint = await footprints.create_footprint(session, data, origin, base_iri)
        return footprint.iri, True
    computed = (await accounting.account_input(session, data)).data
    if _same(existing, computed):
        return existing.iri, False
    reason = (
        f"the product has a footprint for this reference period already ({existing.iri}, "
        f"{existing.total_kgco2e:g} kgCO2e; this row gives {computed['total_kgco2e']:g}): "
        "a changed footprint is a new version of it (createFootprint with supersedes_iri)"
    )
    raise InvalidInput([FieldError("$.product_iri", reason)])


def _same(existing: Footprint, computed: Mapping[str, Any]) -> bool:
    """Whether a stored footprint has the figures and declared unit the row computes to."""
    return (
        existing.declared_unit == computed["declared_unit"]
        and math.isclose(existing.declared_unit_amount, computed["declared_unit_amount"])
        and existing.system_boundary.value == computed["system_boundary"]
        and math.isclose(existing.total_kgco2e, computed["total_kgco2e"], rel_tol=1e-9, abs_tol=1e-9)
    )


def cell_of(item: Planned, error: FieldError) -> CellError:
    """A service's field error as the cell it comes from: `$.inventory[3].unit` is the unit of the fourth
    inventory row of this footprint; any other path is a column of its footprints row."""
    line = _LINE_PATH.match(error.path)
    if line is not None and int(line[1]) < len(item.line_rows):
        return CellError("inventory", item.line_rows[int(line[1])], line[2] or "footprint_ref", error.reason)
    key = error.path.removeprefix("$").lstrip(".").split("[")[0].split(".")[0]
    return CellError("footprints", item.row, key or "ref", error.reason)

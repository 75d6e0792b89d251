"""Policy-filtered, projected SELECTs of any record kind: the data-access layer's one way to read.

A record comes back as a dict holding only what the caller may read: `_kind`, `_id` (database key),
`id` (the IRI, where the kind has one) and each readable field. A to-one relation field holds the
related row's key, a to-many relation field this row's key; the related rows are read (again through
here, under their own kind's policy) by whoever follows the relation. A field that is absent from the
dict is one the caller may not read: callers must treat absence as "forbidden", never fill it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Enum, Select, String, case, func, literal, select, type_coerce

from hub.policy.access import Access, Forbidden
from hub.policy.catalog import KINDS, Kind
from hub.queries import traces
from hub.queries.audit_reads import record_reads
from hub.queries.reader import Reader

Record = dict[str, Any]


@dataclass(frozen=True)
class _Plan:
    columns: list[Any]
    # (grant flag column label or None, fields of the grant)
    grants: list[tuple[str | None, frozenset[str]]]
    field_sources: list[tuple[str, str]]  # (field, label of the selected column)
    internal: tuple[str, ...] = ()
    # Decision traces: labels of the caller's Footprint grant flags for the decision's footprint
    trace_flags: tuple[str, ...] = ()


def _source(kind: Kind, name: str) -> tuple[str, Any]:
    if name in kind.computed:
        return "_id", None  # a computed field is worked out from this row's key by its resolver
    rel = kind.relations.get(name)
    if rel is None:
        return name, kind.column(name)
    if rel.many:
        return "_id", None  # a to-many relation is followed by this row's key
    return rel.column, kind.column(rel.column)


async def _plan(
    reader: Reader, kind_name: str, internal: Sequence[str] = ()
) -> tuple[_Plan | None, ColumnElement[bool]]:
    access = await reader.access()
    kind = KINDS[kind_name]
    grants = access.grants(kind_name)
    if not grants:
        return None, access.where(kind_name)
    columns: dict[str, Any] = {"_id": kind.column("id")}
    for name in internal:  # keys the caller of fetch needs (e.g. a parent key to group by), never fields
        columns[f"_{name}"] = kind.column(name)
    if hasattr(kind.stored(), "iri"):
        columns["id"] = kind.column("iri")
    sources: list[tuple[str, str]] = []
    fields = access.readable_fields(kind_name)
    if reader.wanted is not None and kind_name in reader.wanted:
        fields = fields & reader.wanted[kind_name]
    for name in sorted(fields):
        label, column = _source(kind, name)
        if column is not None:
            columns.setdefault(label, column)
        sources.append((name, label))
    plan_grants: list[tuple[str | None, frozenset[str]]] = []
    same_fields = len({g.fields for g in grants}) == 1
    selected = [_plain(c).label(label) for label, c in columns.items()]
    trace_flags: list[str] = []
    if kind_name == "Decision" and "trace" in fields:
        for i, flag in enumerate(traces.footprint_grant_flags(access)):
            trace_flags.append(f"_fp_grant{i}")
            selected.append(flag.label(trace_flags[-1]))
    for i, g in enumerate(grants):
        if same_fields:
            plan_grants.append((None, g.fields))
            break
        label = f"_grant{i}"
        selected.append(case((g.where, literal(1)), else_=literal(0)).label(label))
        plan_grants.append((label, g.fields))
    plan = _Plan(selected, plan_grants, sources, tuple(f"_{n}" for n in internal), tuple(trace_flags))
    return plan, access.where(kind_name)


def _plain(column: Any) -> Any:
    """Enum columns as their stored text: the codes are what callers show, and converting every value
    to its Python enum member and back costs more than the rest of reading the row."""
    return type_coerce(column, String(32)) if isinstance(column.type, Enum) else column


def _record(kind_name: str, plan: _Plan, row: Any) -> Record:
    m = row._mapping
    rec: Record = {"_kind": kind_name, "_id": m["_id"]}
    for name in plan.internal:
        rec[name] = m[name]
    if "id" in m:
        rec["id"] = m["id"]
    readable: frozenset[str] = frozenset()
    for flag, fields in plan.grants:
        if flag is None or m[flag]:
            readable |= fields
    for name, label in plan.field_sources:
        if name in readable:
            rec[name] = m[label]
    rec["_readable"] = readable  # for computed fields, which must not reveal more than the row's fields
    return rec


def _narrow_trace(access: Access, plan: _Plan, rec: Record, row: Any, rulesets_dir: Path) -> None:
    """A decision's trace holds no value of a fact the caller may not read on the footprint (hub/queries/traces)."""
    if "trace" not in rec:
        return
    fields = traces.readable_footprint_fields(access, [row._mapping[f] for f in plan.trace_flags])
    hidden = traces.hidden_facts(rec["trace"], fields, access.role, access.policy.minimum_group)
    rec["trace"] = traces.narrowed(rec["trace"], hidden, rulesets_dir)


async def fetch(
    reader: Reader,
    kind_name: str,
    *where: ColumnElement[bool],
    order_by: Sequence[Any] | None = None,
    limit: int | None = None,
    internal: Sequence[str] = (),
) -> list[Record]:
    """The rows of `kind_name` the caller may read that match `where`, with only their readable fields.

    `internal` names columns returned as `_<name>` for the caller's own bookkeeping (grouping by a
    parent key), never to be shown: they are keys the caller already holds.
    """
    plan, allowed = await _plan(reader, kind_name, internal)
    if plan is None:
        return []
    stmt = select(*plan.columns).where(allowed, *where)
    stmt = stmt.order_by(*(order_by if order_by is not None else [KINDS[kind_name].column("id")]))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = await reader.execute(stmt)
    records = [_record(kind_name, plan, row) for row in rows]
    if plan.trace_flags:
        access = await reader.access()
        for rec, row in zip(records, rows, strict=True):
            _narrow_trace(access, plan, rec, row, reader.rulesets.root)
    if records and KINDS[kind_name].audit_reads:
        await record_reads(reader, kind_name, records)
    return records


async def by_keys(reader: Reader, kind_name: str, column: str, keys: Iterable[Any]) -> list[Record]:
    """Readable rows whose `column` is one of `keys` (one SELECT, for DataLoaders), each with `_<column>`."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    internal = () if column == "id" else (column,)
    return await fetch(reader, kind_name, KINDS[kind_name].column(column).in_(keys), internal=internal)


async def count_statement(reader: Reader, kind_name: str, *where: ColumnElement[bool]) -> Select[Any]:
    """`SELECT count(*)` of the readable rows that match; refused unless the policy allows the role aggregates
    of the kind."""
    access = await reader.access()
    if not access.may_aggregate(kind_name):
        raise Forbidden(f"role {access.role} may not aggregate {kind_name} records")
    return select(func.count()).select_from(KINDS[kind_name].stored()).where(access.where(kind_name), *where)


async def count(reader: Reader, kind_name: str, *where: ColumnElement[bool]) -> int:
    """How many readable rows match; refused unless the policy allows the role aggregates of the kind."""
    return int((await reader.execute(await count_statement(reader, kind_name, *where)))[0][0])


@dataclass(frozen=True)
class Page:
    records: list[Record]
    has_next: bool


async def page(reader: Reader, kind_name: str, *where: ColumnElement[bool], first: int, after: int | None) -> Page:
    """Keyset pagination in key order: up to `first` readable rows after key `after`."""
    conditions = list(where)
    if after is not None:
        conditions.append(KINDS[kind_name].column("id") > after)
    rows = await fetch(reader, kind_name, *conditions, limit=first + 1)
    return Page(rows[:first], len(rows) > first)


async def by_iri(reader: Reader, iri: str) -> Record | None:
    """The readable record with this IRI, of whichever kind, or None."""
    for kind_name in kind_for_iri(iri):
        found = await fetch(reader, kind_name, KINDS[kind_name].column("iri") == iri)
        if found:
            return found[0]
    return None


# The path segment of each record kind's IRIs (hub/services: `new_iri(base, segment)`); every kind with
# an IRI is here, so `node(id:)` reaches every record the caller may read (tests/security/test_node_decision.py).
SEGMENTS = {
    "org": "Organization",
    "product": "Product",
    "factor": "EmissionFactor",
    "footprint": "Footprint",
    "inventory-line": "InventoryLine",
    "category": "ProductCategory",
    "label": "Label",
    "label-event": "LabelEvent",
    "dataset": "Dataset",
    "sharing-agreement": "SharingAgreement",
    "document-version": "DocumentVersion",
    "decision": "Decision",
    "quality-result": "QualityResult",
}


def kind_for_iri(iri: str) -> list[str]:
    """The record kinds an IRI may name, from its path segment (`<base>footprint/<uuid>`)."""
    parts = iri.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] in SEGMENTS:
        return [SEGMENTS[parts[-2]]]
    return list(SEGMENTS.values())

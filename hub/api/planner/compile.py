"""A connection's tree of fields and the caller's compiled policy as SQLAlchemy Core statements.

One statement per connection for its records and every to-one relation under them: each related kind is a
LEFT JOIN to a derived table that applies that kind's row filter (so a related record the caller may not
read joins as null, as the DataLoader finds nothing), and one statement per to-many relation per level,
`IN` over the parent keys, with its own to-one joins. Only requested and readable columns are selected;
where the caller's grants of a kind give different fields, each grant's row filter is selected as a flag
so the builder knows, row by row, which fields the row lets the caller read (as hub/queries/records does).
Row filters and readable fields come only from the policy (`Access`) and the catalog (`KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy import ColumnElement, Enum, Select, String, bindparam, case, func, literal, select, type_coerce
from strawberry.utils.str_converters import to_camel_case

from hub.api.planner.shape import TYPENAME, Field, Unplannable
from hub.policy.access import Access
from hub.policy.catalog import KINDS, Kind

# Fields the planner leaves to ordinary execution: computed from the whole row, or narrowed after reading.
NOT_PLANNED = {("Footprint", "mapped"), ("Decision", "trace")}


@dataclass
class Occurrence:
    """A record kind at one place of the tree: where its values stand in the statement's rows."""

    kind: str
    selections: list[Field]
    names: dict[str, str]  # response key -> record field name (snake case)
    id_pos: int = -1
    iri_pos: int | None = None
    field_pos: dict[str, int] = field(default_factory=dict)  # readable field -> position
    readable: frozenset[str] | None = None  # the same for every row; None: read from the flags
    flags: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    to_one: dict[str, Occurrence] = field(default_factory=dict)  # response key -> joined occurrence
    to_many: dict[str, Statement] = field(default_factory=dict)  # response key -> child statement
    steps: list[Step] = field(default_factory=list)  # what the builder does per selection, in order

    def readable_in(self, row: Any) -> frozenset[str]:
        if self.readable is not None:
            return self.readable
        out: frozenset[str] = frozenset()
        for pos, fields in self.flags:
            if row[pos]:
                out |= fields
        return out


# A builder step: (what, response key, record field, row position, extra, field). `extra` is the constant of
# CONSTANT, the serializer of LEAF/TEXT, the occurrence of ONE, the statement of MANY.
Step = tuple[int, str, str, int, Any, Field]
CONSTANT, IRI, TEXT, LEAF, ONE, MANY = range(6)
TEXT_TYPES = {"String", "ID"}  # a str is already its own serialization


def _steps(occ: Occurrence) -> list[Step]:
    out: list[Step] = []
    for f in occ.selections:
        name = occ.names.get(f.key)
        if f.name == TYPENAME:
            out.append((CONSTANT, f.key, "", 0, occ.kind, f))
        elif name is None:  # id: the record's IRI
            out.append(
                (CONSTANT, f.key, "", 0, None, f) if occ.iri_pos is None else (IRI, f.key, "", occ.iri_pos, None, f)
            )
        elif f.key in occ.to_one:
            out.append((ONE, f.key, name, 0, occ.to_one[f.key], f))
        elif f.key in occ.to_many:
            out.append((MANY, f.key, name, 0, occ.to_many[f.key], f))
        else:
            what = TEXT if f.named is not None and f.named.name in TEXT_TYPES else LEAF
            out.append((what, f.key, name, occ.field_pos.get(name, -1), f.serialize, f))
    return out


@dataclass
class Statement:
    """A SELECT and the occurrence its rows hold; for a to-many relation, the position of the parent key."""

    select: Select[Any]
    root: Occurrence
    parent_pos: int | None = None


def names_of(kind: Kind) -> dict[str, str]:
    """GraphQL field name -> record field name, for every field of the kind."""
    return {to_camel_case(name): name for name in kind.fields}


def _occurrence(kind_name: str, selections: list[Field]) -> Occurrence:
    kind = KINDS[kind_name]
    known = names_of(kind)
    names: dict[str, str] = {}
    for f in selections:
        if f.name in (TYPENAME, "id"):
            continue
        name = known.get(f.name)
        if name is None or name in kind.computed or (kind_name, name) in NOT_PLANNED:
            raise Unplannable(f"{kind_name}.{f.name}")
        rel = kind.relations.get(name)
        if rel is not None and (KINDS[rel.target].audit_reads or not isinstance(f.named, GraphQLObjectType)):
            raise Unplannable(f"{kind_name}.{f.name}: audited reads")
        names[f.key] = name
    return Occurrence(kind_name, selections, names)


def _plain(column: Any) -> Any:
    """Enum columns as their stored text, as hub/queries/records reads them."""
    return type_coerce(column, String(32)) if isinstance(column.type, Enum) else column


class _Columns:
    """The labelled columns of one statement, in order: a label's position is its index in each row."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.n = 0

    def add(self, expression: Any) -> int:
        pos = len(self.items)
        self.items.append(expression.label(f"c{pos}"))
        return pos


def _own_columns(occ: Occurrence, access: Access) -> list[tuple[str, Any]]:
    """(label, expression over the kind's table) of what the occurrence needs from its own row."""
    kind = KINDS[occ.kind]
    model = kind.stored()
    out: list[tuple[str, Any]] = [("_id", kind.column("id"))]
    if hasattr(model, "iri"):
        out.append(("id", kind.column("iri")))
    readable = access.readable_fields(occ.kind)
    for name in dict.fromkeys(occ.names.values()):
        if name not in readable:
            continue
        rel = kind.relations.get(name)
        if rel is None:
            out.append((name, _plain(kind.column(name))))
        elif not rel.many:
            out.append((name, kind.column(rel.column)))
    grants = access.grants(occ.kind)
    if len({g.fields for g in grants}) > 1:
        out.extend((f"_g{i}", case((g.where, literal(1)), else_=literal(0))) for i, g in enumerate(grants))
    return out


def _place(occ: Occurrence, access: Access, values: dict[str, Any], columns: _Columns) -> None:
    """Put the occurrence's own values (label -> expression in the statement) at positions of `columns`."""
    occ.id_pos = columns.add(values["_id"])
    if "id" in values:
        occ.iri_pos = columns.add(values["id"])
    grants = access.grants(occ.kind)
    for label, expr in values.items():
        if label in ("_id", "id") or label.startswith("_g"):
            continue
        occ.field_pos[label] = columns.add(expr)
    if len({g.fields for g in grants}) > 1:
        occ.flags = [(columns.add(values[f"_g{i}"]), g.fields) for i, g in enumerate(grants)]
    else:
        occ.readable = grants[0].fields if grants else frozenset()


def _joins(
    occ: Occurrence, access: Access, source: dict[str, Any], columns: _Columns, joins: list[tuple[Any, Any]]
) -> None:
    """Join every to-one relation of `occ` (recursively); plan a statement for every to-many one."""
    kind = KINDS[occ.kind]
    for f in occ.selections:
        name = occ.names.get(f.key)
        if name is None or name not in kind.relations or (name not in occ.field_pos and not kind.relations[name].many):
            continue
        rel = kind.relations[name]
        if rel.many and not _is_list(f):  # a newest() field (hub/api/relations.py): left to ordinary execution
            raise Unplannable(f"{occ.kind}.{name} shows one record of a to-many relation")
        if rel.many:
            if name in access.readable_fields(occ.kind):
                occ.to_many[f.key] = to_many(rel.target, rel.column, f.children, access)
            continue
        child = _occurrence(rel.target, f.children)
        own = _own_columns(child, access)
        derived = select(*(expr.label(label) for label, expr in own)).where(access.where(rel.target)).subquery()
        joins.append((derived, derived.c["_id"] == source[name]))
        child_source = {label: derived.c[label] for label, _ in own}
        _place(child, access, child_source, columns)
        occ.to_one[f.key] = child
        _joins(child, access, child_source, columns, joins)
    occ.steps = _steps(occ)


def _statement(kind_name: str, selections: list[Field], access: Access) -> tuple[Occurrence, _Columns, Select[Any]]:
    occ = _occurrence(kind_name, selections)
    columns = _Columns()
    own = dict(_own_columns(occ, access))
    _place(occ, access, own, columns)
    joins: list[tuple[Any, Any]] = []
    _joins(occ, access, own, columns, joins)
    table: Any = KINDS[kind_name].stored().__table__
    for derived, on in joins:
        table = table.outerjoin(derived, on)
    return occ, columns, select().select_from(table)


def to_many(kind_name: str, parent_column: str, selections: list[Field], access: Access) -> Statement:
    """The readable rows of `kind_name` whose `parent_column` is one of the bound `keys`, in key order."""
    occ, columns, stmt = _statement(kind_name, selections, access)
    kind = KINDS[kind_name]
    parent_pos = columns.add(kind.column(parent_column))
    where = [kind.column(parent_column).in_(bindparam("keys", expanding=True)), access.where(kind_name)]
    stmt = stmt.add_columns(*columns.items).where(*where).order_by(kind.column("id"))
    return Statement(stmt, occ, parent_pos=parent_pos)


def page(
    kind_name: str,
    selections: list[Field],
    access: Access,
    conditions: list[ColumnElement[bool]],
    first: int,
    after: int | None,
) -> Statement:
    """Up to `first + 1` readable rows after key `after` (keyset pagination). The count is its own statement
    (`count`), answered from the hub's count cache."""
    occ, columns, stmt = _statement(kind_name, selections, access)
    kind = KINDS[kind_name]
    where = [access.where(kind_name), *conditions]
    if after is not None:
        where.append(kind.column("id") > after)
    stmt = stmt.add_columns(*columns.items).where(*where).order_by(kind.column("id")).limit(first + 1)
    return Statement(stmt, occ)


def count(kind_name: str, access: Access, conditions: list[ColumnElement[bool]]) -> Select[Any]:
    """How many readable rows match (the caller's aggregate right is checked by the builder's caller)."""
    table = KINDS[kind_name].stored().__table__
    return select(func.count()).select_from(table).where(access.where(kind_name), *conditions).correlate(None)


def _is_list(f: Field) -> bool:
    inner = f.type.of_type if isinstance(f.type, GraphQLNonNull) else f.type
    return isinstance(inner, GraphQLList)

"""Reading footprints: the filters of the footprint search, each applied under the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from hub.db.models import Decision, Footprint, Label, Organization, Product, ProductCategory
from hub.policy.access import Access, Forbidden
from hub.queries.counting import cached_count
from hub.queries.filters import may_filter, require_filterable
from hub.queries.reader import Reader
from hub.queries.records import Page, count_statement, page


@dataclass(frozen=True)
class FootprintFilter:
    category_codes: tuple[str, ...] = ()
    owner_regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # organization IRIs
    period_from: date | None = None  # footprints whose reference period overlaps [from, to]
    period_to: date | None = None


async def conditions(reader: Reader, f: FootprintFilter, probe: bool = False) -> list[ColumnElement[bool]]:
    """The filter as SQL. Two shapes of the same conditions (issue 15): for a count (`probe` False), the
    non-selective tests (grade, owner region, category) are semi-joins, `footprint.id IN (SELECT ...)` driven
    by their indexes, read once in O(matches); for a keyset page (`probe` True) they are `EXISTS` probes of
    the same indexes per footprint row, so that the page walks `footprint` in key order and stops once it is
    full: (page size / share of rows that match) probes, whatever the table's size. A semi-join would read
    every match to return twenty of them. (Neither planner makes that choice well by itself: see `_probe`.)
    The shapes are for the query planner of issue 15 too: it compiles the same filters through here."""
    access = await reader.access()
    shape = reader.engine.dialect.name if probe else None  # a probe's form depends on the planner (`_probe`)
    out: list[ColumnElement[bool]] = []
    # Relations are tested through the related kind's own row filter: a caller cannot learn, by
    # filtering, anything about a product, owner or label it may not read.
    product_ids = select(Product.id).where(access.where("Product"))
    if f.category_codes or f.owners or f.owner_regions:
        require_filterable(access, "Footprint", ["product"])
    if f.category_codes:
        cats = select(ProductCategory.id).where(ProductCategory.code.in_(f.category_codes))
        require_filterable(access, "Product", ["category"])
        out.append(_product_test(product_ids.where(Product.category_id.in_(cats)), shape))
    if f.owners:  # a few organizations' products: selective, a semi-join in both shapes
        require_filterable(access, "Product", ["owner"])
        orgs = select(Organization.id).where(Organization.iri.in_(f.owners), access.where("Organization"))
        out.append(Footprint.product_id.in_(product_ids.where(Product.owner_id.in_(orgs))))
    if f.owner_regions:
        require_filterable(access, "Product", ["owner"])
        require_filterable(access, "Organization", ["region"])
        orgs = select(Organization.id).where(Organization.region.in_(f.owner_regions), access.where("Organization"))
        out.append(_product_test(product_ids.where(Product.owner_id.in_(orgs)), shape))
    if f.statuses:
        require_filterable(access, "Footprint", ["status"])
        out.append(Footprint.status.in_(f.statuses))
    if f.grades:
        out.append(_grade_condition(access, f.grades, shape))
    if f.period_from or f.period_to:
        require_filterable(access, "Footprint", ["reference_period_start", "reference_period_end"])
        if f.period_to:
            out.append(Footprint.reference_period_start <= f.period_to)
        if f.period_from:
            out.append(Footprint.reference_period_end >= f.period_from)
    return out


def _probe(key: InstrumentedAttribute[int], outer: InstrumentedAttribute[int], dialect: str) -> ColumnElement[bool]:
    """`key = outer`; on PostgreSQL written as a range of one value, so that the `EXISTS` stays a per-row index
    probe: given a plain equality PostgreSQL also plans a hashed alternative (every match read into a hash
    table, a million rows at scale) and picks it for an ordered page too. Its index serves the range as it does
    `=`. SQLite, given the range, drives the probe from another index of the subquery (a product probe walked
    every product of the region's owners per footprint row), so it gets the equality it plans well."""
    return key.between(outer, outer) if dialect == "postgresql" else key == outer


def _product_test(products: Select[Any], probe: str | None) -> ColumnElement[bool]:
    """The footprint's product is one of `products` (a SELECT of product ids): a semi-join, or a probe by key.

    PostgreSQL keeps the semi-join on pages too: it hashes the products once and walks the page in key order
    (at 1M, a region's probe per row ran its owners' subquery per row: 4.5 s, against 0.3 s at 100k)."""
    if probe and probe != "postgresql":
        return exists(products.where(_probe(Product.id, Footprint.product_id, probe)))
    return Footprint.product_id.in_(products)


def _keyed(footprint_id: InstrumentedAttribute[int], rows: Select[Any], probe: str | None) -> ColumnElement[bool]:
    """`rows` (a SELECT of footprint ids from `footprint_id`'s table) holds the footprint: semi-join or probe."""
    if probe:
        return exists(rows.where(_probe(footprint_id, Footprint.id, probe)))
    return Footprint.id.in_(rows)


def _grade_condition(access: Access, grades: tuple[str, ...], probe: str | None) -> ColumnElement[bool]:
    """A footprint has a grade when the rules engine's newest label decision on it gives that grade, or when
    one of its labels carries it; each is tested only as far as the caller may read it.

    Both read the grade indexes (`ix_decision_kind_grade_footprint`, `ix_label_grade_footprint`) as semi-joins
    for a count, or probe the footprint's decisions and labels (`ix_decision_footprint_kind_id`,
    `ix_label_footprint_id`) for a page (see `conditions`): a subquery correlated with each footprint row of
    the whole table ran once per footprint, a million times at province scale (issue 15)."""
    parts: list[ColumnElement[bool]] = []
    if may_filter(access, "Footprint", "decisions") and may_filter(access, "Decision", "grade"):
        newer = aliased(Decision)
        superseded = exists().where(
            newer.footprint_id == Decision.footprint_id, newer.kind == Decision.kind, newer.id > Decision.id
        )
        graded = select(Decision.footprint_id).where(
            Decision.kind == "label_grade", Decision.grade.in_(grades), ~superseded, access.where("Decision")
        )
        parts.append(_keyed(Decision.footprint_id, graded, probe))
    if may_filter(access, "Footprint", "labels") and may_filter(access, "Label", "grade"):
        labelled = select(Label.footprint_id).where(Label.grade.in_(grades), access.where("Label"))
        parts.append(_keyed(Label.footprint_id, labelled, probe))
    if not parts:
        raise Forbidden(f"role {access.role} may not filter Footprint records by grade")
    return or_(*parts)


async def footprint_page(reader: Reader, f: FootprintFilter, first: int, after: int | None) -> Page:
    return await page(reader, "Footprint", *(await conditions(reader, f, probe=True)), first=first, after=after)


async def footprint_count(reader: Reader, f: FootprintFilter) -> int:
    """Exact, and counted once per data version for a given filter and grant set (hub/queries/counting.py)."""
    stmt = await count_statement(reader, "Footprint", *(await conditions(reader, f)))
    return await cached_count(reader, stmt, reader.counts)

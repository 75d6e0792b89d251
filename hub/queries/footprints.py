"""Reading footprints: the filters of the footprint search, each applied under the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, select

from hub.db.models import Footprint, Label, Organization, Product, ProductCategory
from hub.queries.filters import require_filterable
from hub.queries.reader import Reader
from hub.queries.records import Page, count, page


@dataclass(frozen=True)
class FootprintFilter:
    category_codes: tuple[str, ...] = ()
    owner_regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # organization IRIs
    period_from: date | None = None  # footprints whose reference period overlaps [from, to]
    period_to: date | None = None


async def conditions(reader: Reader, f: FootprintFilter) -> list[ColumnElement[bool]]:
    access = await reader.access()
    out: list[ColumnElement[bool]] = []
    # Relations are tested through the related kind's own row filter: a caller cannot learn, by
    # filtering, anything about a product, owner or label it may not read.
    product_ids = select(Product.id).where(access.where("Product"))
    if f.category_codes or f.owners or f.owner_regions:
        require_filterable(access, "Footprint", ["product"])
    if f.category_codes:
        cats = select(ProductCategory.id).where(ProductCategory.code.in_(f.category_codes))
        require_filterable(access, "Product", ["category"])
        out.append(Footprint.product_id.in_(product_ids.where(Product.category_id.in_(cats))))
    if f.owners:
        require_filterable(access, "Product", ["owner"])
        orgs = select(Organization.id).where(Organization.iri.in_(f.owners), access.where("Organization"))
        out.append(Footprint.product_id.in_(product_ids.where(Product.owner_id.in_(orgs))))
    if f.owner_regions:
        require_filterable(access, "Product", ["owner"])
        require_filterable(access, "Organization", ["region"])
        orgs = select(Organization.id).where(Organization.region.in_(f.owner_regions), access.where("Organization"))
        out.append(Footprint.product_id.in_(product_ids.where(Product.owner_id.in_(orgs))))
    if f.statuses:
        require_filterable(access, "Footprint", ["status"])
        out.append(Footprint.status.in_(f.statuses))
    if f.grades:
        require_filterable(access, "Footprint", ["labels"])
        require_filterable(access, "Label", ["grade"])
        out.append(exists().where(Label.footprint_id == Footprint.id, Label.grade.in_(f.grades), access.where("Label")))
    if f.period_from or f.period_to:
        require_filterable(access, "Footprint", ["reference_period_start", "reference_period_end"])
        if f.period_to:
            out.append(Footprint.reference_period_start <= f.period_to)
        if f.period_from:
            out.append(Footprint.reference_period_end >= f.period_from)
    return out


async def footprint_page(reader: Reader, f: FootprintFilter, first: int, after: int | None) -> Page:
    return await page(reader, "Footprint", *(await conditions(reader, f)), first=first, after=after)


async def footprint_count(reader: Reader, f: FootprintFilter) -> int:
    return await count(reader, "Footprint", *(await conditions(reader, f)))

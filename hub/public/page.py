"""What a label page shows, gathered as the `public` principal: the label (hub/labels/public.py), its footprint,
product, enterprise, verifier, the footprint's versions and whether the label's credential verifies. Every read
goes through hub/queries, so a field the public may not read is absent here and on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.credentials import service as credentials
from hub.db.models import Footprint, Label, Organization, Product, ProductCategory
from hub.labels.public import label_public_view, public_reader
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch

MAX_SERIAL = 64  # the column's width: a longer "serial" names no label and is not looked up
MAX_GTIN = 14  # GTIN-14 is the longest


@dataclass(frozen=True)
class LabelPage:
    label: Record
    certifier: Record | None
    history: list[Record]
    footprint: Record | None
    product: Record | None
    enterprise: Record | None
    verifier: Record | None
    versions: list[Record]
    credential: dict[str, Any] | None  # the hub's verification report of the label's credential
    category: Record | None = None  # the product's category, whose benchmark page (/c/{code}) the page links


def plausible_serial(serial: str) -> bool:
    """Worth a look-up: within the column's width, printable (a NUL byte is an error in PostgreSQL text, not
    a serial)."""
    return 0 < len(serial) <= MAX_SERIAL and serial.isprintable()


async def _one(reader: Reader, kind: str, *where: Any) -> Record | None:
    found = await fetch(reader, kind, *where, limit=1)
    return found[0] if found else None


async def _organizations(reader: Reader, *keys: int | None) -> list[Record | None]:
    """The organizations with these keys, in one statement; None for a missing key or one the reader may not read."""
    wanted = {key for key in keys if key is not None}
    found = await fetch(reader, "Organization", Organization.id.in_(wanted)) if wanted else []
    by_key = {record["_id"]: record for record in found}
    return [by_key.get(key) if key is not None else None for key in keys]


async def label_page(hub: Hub, serial: str) -> LabelPage | None:
    """The page of the label with this serial, or None when the public may read no such label."""
    if not plausible_serial(serial):
        return None
    reader = public_reader(hub)
    view = await label_public_view(reader, serial)
    if view is None:
        return None
    # the labelled footprint among its product's versions: one statement for both
    labelled = view.label.get("footprint")
    same_product = select(Footprint.product_id).where(Footprint.id == labelled).scalar_subquery()
    versions = await fetch(reader, "Footprint", Footprint.product_id == same_product, order_by=[Footprint.version])
    footprint = next((v for v in versions if v["_id"] == labelled), None)
    product = None
    if footprint is not None and footprint.get("product") is not None:
        product = await _one(reader, "Product", Product.id == footprint["product"])
    else:
        versions = []
    enterprise, verifier = await _organizations(
        reader, product.get("owner") if product else None, footprint.get("verifier") if footprint else None
    )
    category = None
    if product is not None and product.get("category") is not None:
        category = await _one(reader, "ProductCategory", ProductCategory.id == product["category"])
    report = await credentials.label_report(hub, view.label["_id"])  # verified as a buyer would; kept until it changes
    return LabelPage(
        view.label,
        view.certifier,
        view.history,
        footprint,
        product,
        enterprise,
        verifier,
        versions,
        report,
        category,
    )


async def serials_for_gtin(hub: Hub, gtin: str) -> list[str]:
    """The serials of the labels the public may read on the product with this GTIN, newest first."""
    if not (gtin.isascii() and gtin.isdigit()) or len(gtin) > MAX_GTIN:
        return []
    reader = public_reader(hub)
    products = await fetch(reader, "Product", Product.gtin == gtin)
    if not products:
        return []
    footprints = select(Footprint.id).where(Footprint.product_id.in_([p["_id"] for p in products]))
    labels = await fetch(reader, "Label", Label.footprint_id.in_(footprints), order_by=[Label.id.desc()])
    return [str(label["serial"]) for label in labels if label.get("serial")]


# Relation fields hold database keys: the related records are shown themselves, the keys never.
RELATIONS = frozenset({"footprint", "product", "owner", "verifier", "supersedes", "label", "certifier", "category"})


def plain(value: Any) -> Any:
    """A record's value as JSON: enums by value, days and times as ISO 8601, lists and dicts element-wise;
    record keys and relation keys left out."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_") and k not in RELATIONS}
    return value


def number(value: Any) -> str:
    """A figure as a person reads it: two decimals, more for small ones, nothing for a missing one."""
    if value is None:
        return ""
    figure = float(value)
    return f"{figure:,.2f}" if abs(figure) >= 1 else f"{figure:.4g}"


def organization_name(record: dict[str, Any], lang: str) -> str:
    """An organization's name in the page's language, the other one when that is missing."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return str(record.get(first) or record.get(second) or "")


def page_url(hub: Hub, serial: str) -> str:
    """The page's absolute URL, as printed in its QR code (the public base URL setting)."""
    return f"{hub.settings.public_base_url.rstrip('/')}/l/{serial}"


def as_json(hub: Hub, page: LabelPage) -> dict[str, Any]:
    """The page's data for consumer apps: the same fields the page shows, record keys left out."""
    serial = str(page.label["serial"])
    return {
        "url": page_url(hub, serial),
        "label": plain(page.label),
        "certifier": plain(page.certifier),
        "history": plain(page.history),
        "footprint": plain(page.footprint),
        "product": plain(page.product),
        "enterprise": plain(page.enterprise),
        "verifier": plain(page.verifier),
        "versions": plain(page.versions),
        "credential": {
            "url": f"{hub.settings.public_base_url.rstrip('/')}/l/{serial}/credential.json",
            "verified": bool(page.credential and page.credential["verified"]),
            "status": page.credential["status"] if page.credential else {},
        },
    }

"""Issue 10 item 6, over real HTTP: a newer published version of a product's footprint retires the older one.

PACT v3 marks only the newest footprint of a product Active and the older ones Deprecated; the category
benchmark counts each product once; the older version stays readable as history, with its own number.
"""

from __future__ import annotations

from typing import Any

from hub.auth.principal import Role
from tests.security.lifecycle_world import PUBLISH, SUBMIT, VERIFY, World, world

__all__ = ["world"]

BENCHMARK = '{ categoryBenchmarks(categoryCode: "KP-46") { declaredUnit footprintCount meanKgco2e } }'
PACT = "query($f: ID!) { node(id: $f) { ... on Footprint { version status mapped(to: PACT) { ok record } } } }"


def _publish(w: World, footprint: str) -> None:
    owner = w.token(Role.ENTERPRISE, "zj-battery")
    verifier, regulator = w.token(Role.VERIFIER, "cert-accredited"), w.token(Role.REGULATOR, "zj-regulator")
    assert w.payload(owner, SUBMIT, {"f": footprint, "v": w.iri("org", "cert-accredited")})["errors"] == []
    assert w.payload(verifier, VERIFY, {"f": footprint})["errors"] == []
    assert w.payload(regulator, PUBLISH, {"f": footprint})["errors"] == []


def _kwh_benchmark(w: World) -> dict[str, Any]:
    rows = w.post(w.token(Role.REGULATOR, "zj-regulator"), BENCHMARK)["data"]["categoryBenchmarks"]
    [row] = [r for r in rows if r["declaredUnit"] == "kWh"]
    return dict(row)


def _pact(w: World, footprint: str) -> tuple[int, str, str]:
    node = w.post(w.token(Role.REGULATOR, "zj-regulator"), PACT, {"f": footprint})["data"]["node"]
    assert node["mapped"]["ok"], node
    return node["version"], node["status"], node["mapped"]["record"]["status"]


def test_a_newer_published_version_retires_the_older_one(world: World) -> None:
    product = world.new_product("zj-battery")
    first = world.new_footprint("zj-battery", product)
    _publish(world, first)
    counted = _kwh_benchmark(world)
    assert _pact(world, first) == (1, "published", "Active")

    second = world.new_footprint("zj-battery", product, supersedes_iri=first)
    _publish(world, second)

    assert _pact(world, second) == (2, "published", "Active")
    assert _pact(world, first) == (1, "published", "Deprecated")  # still readable, as history
    assert _kwh_benchmark(world)["footprintCount"] == counted["footprintCount"]  # the product counts once


def test_benchmarks_leave_out_footprints_of_unaccredited_verifiers(world: World) -> None:
    """The demo's battery-gba-1 was verified by the unaccredited consultancy: it is published, and not counted."""
    from sqlalchemy import func, select

    from hub.db.models import Footprint, Organization, Product, ProductCategory

    published = (
        select(func.count())
        .select_from(Footprint)
        .join(Product, Product.id == Footprint.product_id)
        .join(ProductCategory, ProductCategory.id == Product.category_id)
        .join(Organization, Organization.id == Footprint.verifier_id)
        .where(ProductCategory.code == "KP-46", Footprint.status == "published", Footprint.declared_unit == "kWh")
    )
    everyone = world.scalar(published)
    accredited = world.scalar(published.where(Organization.accreditation.is_not(None)))
    assert everyone > accredited  # the demo has a published battery footprint of an unaccredited verifier
    assert _kwh_benchmark(world)["footprintCount"] == accredited

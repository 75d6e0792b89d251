"""Issue 10 item 4: grades and benchmarks compare kgCO2e per one of the category's declared unit, converted
once (hub/accounting/normalise.py): a clinker record declared per 1000 kg is graded and grouped as clinker per t."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from sqlalchemy import select, update

from hub.accounting.normalise import category_units, per_category_unit
from hub.bootstrap import Hub
from hub.config import Settings
from hub.db.models import Decision, Footprint, Product, ProductCategory
from hub.domain.codes import FootprintStatus, SourceKind
from hub.services.decisions import category_benchmarks, decide_footprints, facts_of_footprint
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.units import Units

UNIT_RULE = re.compile(r'fp\.declared_unit == "([^"]+)"')


def test_a_total_per_1000_kg_is_the_same_total_per_t() -> None:
    units = Units()
    assert per_category_unit(units, "KP-28", "kg", 1000, 866.9) == pytest.approx((866.9, "t"))
    assert per_category_unit(units, "KP-28", "t", 2, 1733.8) == pytest.approx((866.9, "t"))
    assert per_category_unit(units, "KP-46", "MWh", 1, 94000) == pytest.approx((94.0, "kWh"))


def test_a_unit_that_does_not_convert_stays_per_one_of_itself() -> None:
    assert per_category_unit(Units(), "KP-28", "m3", 2, 10) == (5.0, "m3")
    assert per_category_unit(Units(), "KP-99", "kg", 4, 10) == (2.5, "kg")


def test_each_product_rule_set_grades_in_its_category_unit() -> None:
    """The code list and the rule sets' `declared_unit_known` rules name the same unit per product."""
    for path in sorted((Settings().rulesets_dir / "label_grade").glob("*/ruleset.yaml")):
        ruleset = yaml.safe_load(path.read_text(encoding="utf-8"))
        product = (ruleset.get("applies_to") or {}).get("product")
        found = UNIT_RULE.search(path.read_text(encoding="utf-8"))
        if product and found:
            assert category_units().get(product) == found.group(1), path


async def test_clinker_declared_per_1000_kg_is_graded_and_benchmarked_as_clinker_per_t(demo_hub: Hub) -> None:
    today = date(2026, 1, 1)
    async with unit_of_work(demo_hub.sessions) as session:
        clinker = (
            await session.execute(
                select(Footprint)
                .join(Product, Product.id == Footprint.product_id)
                .join(ProductCategory, ProductCategory.id == Product.category_id)
                .where(ProductCategory.code == "KP-28", Footprint.status == FootprintStatus.PUBLISHED)
                .limit(1)
            )
        ).scalar_one()
        per_t, year = clinker.total_kgco2e / clinker.declared_unit_amount, clinker.reference_period_end.year
        before = (await category_benchmarks(session))[("KP-28", "t", year)]
        # the same record as a PACT import declares it: per 1000 kg, the total for the whole 1000 kg
        await session.execute(
            update(Footprint)
            .where(Footprint.id == clinker.id)
            .values(declared_unit="kg", declared_unit_amount=1000.0, total_kgco2e=per_t)
        )
        facts = await facts_of_footprint(session, clinker.iri, today)
        assert (facts["fp"]["declared_unit"], facts["fp"]["total_kgco2e"]) == ("t", pytest.approx(per_t))
        benchmarks = await category_benchmarks(session)
        assert benchmarks[("KP-28", "t", year)] == before and ("KP-28", "kg", year) not in benchmarks
        origin = Origin(actor="urn:test", source=SourceKind.SYSTEM)
        registry = await demo_hub.documents.registry(session)
        stored = await decide_footprints(session, registry, [clinker.id], today, origin, "https://x.example/")
        label = next(d for d in stored if d.kind == "label_grade")
        assert "declared_unit_known" not in (label.outcome.get("reasons") or [])
        assert label.grade is not None
        assert isinstance(label, Decision)

"""The public category page (/c/{code}) over real HTTP: the benchmark chart as SVG without JavaScript, the grade
thresholds of the label rule set on it, and the minimum-group rule: no chart of one or two footprints, nor of
one enterprise's, and a category with one footprint reads exactly like one with none."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from hub.bootstrap import Hub
from hub.db.models import Footprint, Product, ProductCategory
from hub.labels.public import public_reader
from hub.queries.benchmarks import category_benchmarks
from hub.queries.current import benchmarked
from hub.services.uow import unit_of_work
from rules_engine.benchmarks import benchmark_facts
from tests.credentials.live import LiveHub, live_hub
from tests.public.test_label_page import EN, ZH, text_of

BATTERIES = "KP-46"  # the demo's verified battery footprints are of three enterprises: a group large enough


def benchmark(live: LiveHub, code: str) -> dict[str, Any]:
    async def work(hub: Hub) -> dict[str, Any]:
        [found] = await category_benchmarks(public_reader(hub), code)
        return dict(found)

    return dict(live._run(work))


def members(live: LiveHub, code: str) -> list[float]:
    """The per-unit values the battery benchmark is made of (as the regulator would read them: the test's oracle)."""

    async def work(hub: Hub) -> list[float]:
        async with unit_of_work(hub.sessions) as session:
            rows = await session.execute(
                select(Footprint.total_kgco2e, Footprint.declared_unit_amount)
                .join(Product, Product.id == Footprint.product_id)
                .join(ProductCategory, ProductCategory.id == Product.category_id)
                .where(benchmarked(), ProductCategory.code == code)
            )
            return [total / amount for total, amount in rows]

    return list(live._run(work))


def test_a_categorys_chart_is_an_accessible_svg_with_the_grade_thresholds(live: LiveHub) -> None:
    stats = benchmark(live, BATTERIES)
    assert stats["withheld"] is None and stats["footprint_count"] >= 5
    response = live.client.get(f"/c/{BATTERIES}", headers=EN)
    assert response.status_code == 200 and response.headers["content-language"] == "en"
    page = response.text
    assert "<script" not in page and page.count("<svg") == 1
    assert 'role="img"' in page and re.search(r"<title id=\"chart-1-title\">[^<]+</title>", page)
    assert re.search(r"<desc id=\"chart-1-desc\">Histogram of \d+ current verified footprints", page)
    words = text_of(page)
    assert f"n = {stats['footprint_count']}" in words
    bars = [int(count) for count in re.findall(r"<rect [^>]*><title>[^<]*: (\d+)</title>", page)]
    assert sum(bars) == stats["footprint_count"]  # every footprint in one bar, none twice
    facts = benchmark_facts(members(live, BATTERIES))  # the percentiles the rules engine grades against
    for grade, percentile in (("A", "p10"), ("B", "p25"), ("C", "p50"), ("D", "p75")):
        assert f"{grade} up to {facts[percentile]:,.2f} ({percentile})" in words or (
            f"{grade} up to {facts[percentile]:.4g} ({percentile})" in words
        )
    assert "Grading rule set label-grade-zj 2026.1" in words  # the version in force today (from 2026-02-01)
    zh = live.client.get(f"/c/{BATTERIES}", headers=ZH).text
    assert '<html lang="zh-Hans">' in zh and "等级阈值" in zh and "<svg" in zh


def test_the_label_page_links_its_categorys_page(live: LiveHub) -> None:
    serial = live.serials()[0]  # the demo's first issued label is on tea (KP-04)
    page = live.client.get(f"/l/{serial}?lang=en").text
    assert 'href="/c/KP-04?lang=en"' in page
    assert "category" not in live.client.get(f"/l/{serial}.json").json()["product"]  # a key, never shown


def move(live: LiveHub, code_to: str, how_many: int, one_owner: bool = False) -> None:
    """Move `how_many` benchmarked battery products into the category `code_to` (one enterprise's, if asked)."""

    async def work(hub: Hub) -> None:
        async with unit_of_work(hub.sessions) as session:
            target = await session.scalar(select(ProductCategory.id).where(ProductCategory.code == code_to))
            products = list(
                await session.scalars(
                    select(Footprint.product_id)
                    .join(Product, Product.id == Footprint.product_id)
                    .join(ProductCategory, ProductCategory.id == Product.category_id)
                    .where(benchmarked(), ProductCategory.code == BATTERIES)
                    .limit(how_many)
                )
            )
            values: dict[str, Any] = {"category_id": target}
            if one_owner:
                values["owner_id"] = await session.scalar(select(Product.owner_id).where(Product.id == products[0]))
            await session.execute(update(Product).where(Product.id.in_(products)).values(**values))

    live._run(work)


def empty_categories(live: LiveHub) -> list[tuple[str, str, str]]:
    async def work(hub: Hub) -> list[tuple[str, str, str]]:
        async with unit_of_work(hub.sessions) as session:
            used = select(Product.category_id)
            rows = await session.execute(
                select(ProductCategory.code, ProductCategory.name_en, ProductCategory.name_zh)
                .where(ProductCategory.level == "product", ProductCategory.id.not_in(used))
                .order_by(ProductCategory.seq)
            )
            return [tuple(row) for row in rows]

    return list(live._run(work))


def anonymised(page: str, category: tuple[str, str, str]) -> str:
    for text in category:
        page = page.replace(text, "CATEGORY")
    return page


def test_one_footprint_or_one_enterprises_reads_exactly_like_none(demo_db_url: str, tmp_path: Path) -> None:
    with live_hub(demo_db_url, tmp_path / "keys") as own:
        none, one, one_enterprise = empty_categories(own)[:3]
        move(own, one[0], 1)
        move(own, one_enterprise[0], 6, one_owner=True)  # six footprints, all of one enterprise
        assert benchmark(own, one_enterprise[0])["withheld"]  # the API withholds it too
        pages = {}
        for category in (none, one, one_enterprise):
            response = own.client.get(f"/c/{category[0]}", headers=EN)
            assert response.status_code == 200
            assert "<svg" not in response.text and "Too few current footprints" in response.text
            pages[category[0]] = anonymised(response.text, category)
        assert len(set(pages.values())) == 1  # nothing tells a category of one from a category of none


def test_unknown_categories_and_odd_headers(live: LiveHub) -> None:
    answers = set()
    for code in ("NO-SUCH", "X" * 33, "%00", "KP-04%20", "<script>", "%E2%80%8B"):
        response = live.client.get(f"/c/{code}", headers=EN)
        assert response.status_code == 404 and "There is no product category with this code." in response.text
        assert "<script>" not in response.text
        answers.add(response.text)
    assert len(answers) == 1
    for accept in ("x" * 20_000, "zh;q=NaN, en;q=inf", ",;,;=,q=", "*", "zh-Hant-TW;q=0.5," * 500):
        response = live.client.get(f"/c/{BATTERIES}", headers={"accept-language": accept})
        assert response.status_code == 200 and response.headers["content-language"] in {"zh-Hans", "en"}

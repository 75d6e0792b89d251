"""What a public category page (`/c/{code}`) shows: the category, and for each of its groups (declared unit)
large enough under the minimum-group rule, the chart of its benchmark with the grade thresholds of the label
rule set in force. Read as the `public` principal through hub/queries, so the policy's minimum group applies;
a small group is absent, never "withheld", so that a category with one footprint reads like one with none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hub.bootstrap import Hub
from hub.db.models import ProductCategory
from hub.labels.public import public_reader
from hub.policy.model import MinimumGroup
from hub.public.chart import Chart, histogram
from hub.queries.benchmarks import category_distribution
from hub.queries.records import Record, fetch
from rules_engine import Registry

MAX_CODE = 32  # the column's width
GRADE_KIND, GENERAL = "label_grade", "general"
PERCENTILE = re.compile(r"benchmark\.(p\d+)")

# (grade, the percentile it reaches up to; None for the last grade, above every line)
Thresholds = list[tuple[str, str | None]]


@dataclass(frozen=True)
class CategoryPage:
    category: Record
    charts: list[Chart]
    ruleset: str  # the rule set whose thresholds are drawn, "id version"; "" when none is in force
    thresholds: Thresholds
    minimum: MinimumGroup


def plausible_code(code: str) -> bool:
    return 0 < len(code) <= MAX_CODE and code.isascii() and code.isprintable()


def grade_thresholds(registry: Registry, jurisdiction: str, on: date) -> tuple[str, Thresholds]:
    """The grade table of the general label-grade rule set in force: each grade and the benchmark percentile
    its row reaches up to (`<= benchmark.p10` -> p10, `(benchmark.p10..benchmark.p25]` -> p25, `> ...` -> None).
    Read from the rule set, so a standards team's new thresholds move the lines without a code change."""
    general = [
        s
        for s in registry.sources
        if s.kind == GRADE_KIND
        and s.layer == GENERAL
        and s.jurisdiction == jurisdiction
        and s.status == "published"
        and s.in_force(on)
    ]
    if not general:
        return "", []
    source = max(general, key=lambda s: s.effective_from)
    table = next((t for t in source.data.get("tables") or [] if str(t.get("name")) == "grade"), None)
    thresholds: Thresholds = []
    for row in (table or {}).get("rows") or []:
        condition, grade = str(row["when"][0]).strip(), str(row["then"][0]).strip().strip('"')
        bounds = PERCENTILE.findall(condition)
        thresholds.append((grade, None if condition.startswith(">") or not bounds else bounds[-1]))
    return f"{source.id} {source.version}", thresholds


async def category_page(hub: Hub, code: str) -> CategoryPage | None:
    """The page of the category with this code, or None when there is no such category."""
    if not plausible_code(code):
        return None
    reader = public_reader(hub)
    found = await fetch(reader, "ProductCategory", ProductCategory.code == code, limit=1)
    if not found:
        return None
    ruleset, thresholds = grade_thresholds(reader.rulesets.registry(), hub.settings.region.value, hub.clock.today())
    charts = [histogram(d.values, thresholds, d.declared_unit) for d in await category_distribution(reader, code)]
    access = await reader.access()
    return CategoryPage(found[0], charts, ruleset, thresholds, access.policy.minimum_group)

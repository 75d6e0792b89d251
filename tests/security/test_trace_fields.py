"""Issue 9 items 3 and 17: a decision's trace quotes no fact the caller may not read, and no server path.

Found over HTTP: as `gba-platform`, `primaryDataSharePercent` on a footprint is FORBIDDEN, yet
`decisions { trace }` on it showed `fp.primary_data_share: 62.0` (and `fp.dqr`, `fp.exempted_emissions_percent`,
`fp.product_rules`, `fp.verifier_accredited`); the same for `yrd-platform`. `trace[].from.file` showed the
absolute path of the installed rule-set file. Now a trace says such a value was withheld, and names rule-set
files relative to the rule-set folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from hub.auth.principal import Role
from hub.decisions.facts import BENCHMARK_FACTS, FACT_FIELDS
from hub.policy.catalog import KINDS
from hub.queries.traces import WITHHELD
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.security import reads_live
from tests.security.reads_live import data

live_hub = reads_live.live_hub  # the module's live hub

REPO = Path(__file__).resolve().parents[2]
# Traces are priced as heavy fields (hub/api/protection.py FIELD_COSTS): read them a few footprints a page.
TRACES = """query($after: String) { footprints(first: 3, after: $after, filter: {statuses: ["published"]}) {
  pageInfo { endCursor } edges { node { id decisions { kind jurisdiction trace } } } } }"""
PAGES = 3
OWN_TRACES = """query($o: [ID!]) { footprints(first: 3, filter: {owners: $o}) {
  edges { node { decisions { trace } } } } }"""
# What the issue found in gba-platform's traces; none of these footprint fields is in the GBA agreement.
GBA_HIDDEN = ["fp.primary_data_share", "fp.dqr_worst", "fp.exempted_emissions_percent", "fp.product_rules"]
GBA_HIDDEN += ["fp.verifier_accredited"]
# The YRD agreement lists primary_data_share_percent, dqr_* and product_rules, but not exempted emissions.
YRD_HIDDEN = ["fp.exempted_emissions_percent", "fp.within_validity"]
YRD_SHOWN = ["fp.primary_data_share", "fp.dqr_worst", "fp.product_rules"]


def _traces(live: Live, role: Role, key: str | None = None) -> list[dict[str, Any]]:
    out, after = [], None
    for _ in range(PAGES):
        page = data(live, TRACES, token(live.hub, role, key), {"after": after})["footprints"]
        out += [d["trace"] for e in page["edges"] for d in e["node"]["decisions"]]
        after = page["pageInfo"]["endCursor"]
    return out


def _steps(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for t in traces for s in t["trace"]]


def _reads(traces: list[dict[str, Any]], fact: str) -> list[Any]:
    return [s["reads"][fact] for s in _steps(traces) if fact in s["reads"]]


def test_a_field_the_platform_may_not_read_is_forbidden_and_withheld_in_traces(live_hub: Live) -> None:
    bearer = token(live_hub.hub, Role.REGIONAL_PLATFORM, "gba-platform")
    body = gql(live_hub.client, "{ footprints(first: 1) { edges { node { primaryDataSharePercent } } } }", bearer)
    assert [e["extensions"]["code"] for e in body.json()["errors"]] == ["FORBIDDEN"]
    traces = _traces(live_hub, Role.REGIONAL_PLATFORM, "gba-platform")
    assert traces
    for fact in GBA_HIDDEN:
        values = _reads(traces, fact)
        assert values, f"no trace reads {fact}: the test proves nothing"
        assert all(v == WITHHELD for v in values), (fact, values[:3])


def test_in_a_step_that_read_a_withheld_fact_no_compared_value_is_quoted(live_hub: Live) -> None:
    traces = _traces(live_hub, Role.REGIONAL_PLATFORM, "gba-platform")
    narrowed = [s for s in _steps(traces) if WITHHELD in s["reads"].values()]
    assert narrowed
    for step in narrowed:
        for comparison in step.get("comparisons", []) + [c for r in step.get("fired", []) for c in r["comparisons"]]:
            assert (comparison["left"], comparison["right"]) == (WITHHELD, WITHHELD), step["rule"]
        assert all(v == WITHHELD for v in step.get("inputs", {}).values())


def test_yrd_sees_what_its_agreement_lists_and_not_the_rest(live_hub: Live) -> None:
    traces = _traces(live_hub, Role.REGIONAL_PLATFORM, "yrd-platform")
    for fact in YRD_HIDDEN:
        values = _reads(traces, fact)
        assert values and all(v == WITHHELD for v in values), fact
    for fact in YRD_SHOWN:
        values = _reads(traces, fact)
        assert values and all(v != WITHHELD for v in values), fact


def test_the_owner_and_the_regulator_see_every_value(live_hub: Live) -> None:
    for role, key in ((Role.REGULATOR, None), (Role.ENTERPRISE, "zj-battery")):
        got = data(
            live_hub,
            OWN_TRACES,
            token(live_hub.hub, role, key),
            {"o": [f"{live_hub.hub.settings.base_iri}org/zj-battery"]},
        )
        traces = [d["trace"] for e in got["footprints"]["edges"] for d in e["node"]["decisions"]]
        assert traces
        assert WITHHELD not in [v for s in _steps(traces) for v in s["reads"].values()], role


def test_rule_set_files_are_named_relative_to_the_rule_set_folder(live_hub: Live) -> None:
    for role, key in ((Role.REGULATOR, None), (Role.ENTERPRISE, None), (Role.REGIONAL_PLATFORM, "gba-platform")):
        files = {s["from"]["file"] for s in _steps(_traces(live_hub, role, key))}
        assert files
        for file in files:
            assert re.fullmatch(r"(label_grade|recognition)/[a-z0-9-]+/ruleset\.yaml", file), file
        assert str(REPO) not in json.dumps(_traces(live_hub, role, key))


def test_every_fact_is_declared_with_the_footprint_fields_it_derives_from() -> None:
    declared = {f["name"] for f in yaml.safe_load((REPO / "rulesets" / "facts.yaml").read_text())["facts"]}
    assert set(FACT_FIELDS) | BENCHMARK_FACTS == declared
    assert not set(FACT_FIELDS) & BENCHMARK_FACTS
    footprint_fields = set(KINDS["Footprint"].fields)
    for fact, fields in FACT_FIELDS.items():
        assert fields and set(fields) <= footprint_fields, fact

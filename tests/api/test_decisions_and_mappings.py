"""Reading the rules engine's decisions, footprints mapped to other vocabularies, and the rule-set and mapping
documents, through the policy (issues: rules engine, vocabularies and mappings, permissioned GraphQL)."""

from __future__ import annotations

from typing import Any

from hub.auth.principal import Role
from tests.api.test_mutations import bearer, run

PUBLISHED_BATTERY = """{ footprints(first: 1, filter: {categoryCodes: ["KP-46"], statuses: ["published"]})
  { edges { node { id totalKgco2e decisions { kind jurisdiction status grade score passed outcome
    rulesetId rulesetVersion chain trace } } } } }"""


async def test_a_footprint_has_grade_score_eligibility_per_region_and_trace(asgi: Any) -> None:
    async with asgi() as client:
        ent = bearer(client, Role.ENTERPRISE, "zj-pv")  # another enterprise: reads published results
        node = (await run(client, PUBLISHED_BATTERY, ent))["data"]["footprints"]["edges"][0]["node"]
    by_kind = {(d["kind"], d["jurisdiction"]): d for d in node["decisions"]}
    assert set(by_kind) == {
        ("label_grade", "ZJ"),
        ("recognition", "YRD"),
        ("recognition", "GBA"),
        ("recognition", "INTL"),
    }
    label = by_kind[("label_grade", "ZJ")]
    assert label["grade"] in {"A", "B", "C", "D", "E"} and 0 <= label["score"] <= 100
    assert label["rulesetId"] == "label-grade-zj-kp-46" and label["rulesetVersion"]
    assert [c["layer"] for c in label["chain"]] == ["general", "industry", "product"]
    assert label["trace"]["trace"], "the trace lists the checks and table rows that fired"
    for region in ("YRD", "GBA", "INTL"):
        assert isinstance(by_kind[("recognition", region)]["outcome"]["eligible"], bool)


async def test_the_public_sees_no_decisions(asgi: Any) -> None:
    async with asgi() as client:
        body = await run(client, PUBLISHED_BATTERY, {})
        plain = await run(client, "{ footprints(first: 5) { edges { node { decisions { grade } } } } }", {})
    # filtering by category is allowed (the public reads a labelled product's category, for its label page's
    # link to the category page); decisions never are
    assert all(e["node"]["decisions"] is None for e in body["data"]["footprints"]["edges"])
    # the public reads labelled footprints (behind a label page), but never their decisions
    edges = plain["data"]["footprints"]["edges"]
    assert edges and all(e["node"]["decisions"] is None for e in edges)
    assert {e["extensions"]["code"] for e in plain["errors"]} == {"FORBIDDEN"}
    assert len(plain["errors"]) == len(edges)


async def test_an_international_body_reads_a_footprint_in_pact_v3(asgi: Any) -> None:
    query = """{ footprints(first: 3, filter: {statuses: ["published"]}) { edges { node {
      mapped(to: PACT) { target mappingIri mappingVersion ok record errors { field reason } lost { field } } } } } }"""
    async with asgi() as client:
        intl = bearer(client, Role.INTERNATIONAL_BODY, "intl-body")
        edges = (await run(client, query, intl))["data"]["footprints"]["edges"]
    assert len(edges) == 3
    for edge in edges:
        mapped = edge["node"]["mapped"]
        assert mapped["ok"] and mapped["errors"] == []
        record = mapped["record"]
        assert record["specVersion"].startswith("3.") and record["status"] == "Active"
        assert record["pcf"]["declaredUnitOfMeasurement"] in {"kilogram", "kilowatt hour", "piece", "square meter"}
        assert mapped["mappingIri"] and mapped["mappingVersion"]
        # the verifier's statement is not among the fields an international body may read: not sent
        assert "Demo verification" not in str(record)


async def test_a_mapped_record_holds_only_what_the_agreement_grants(asgi: Any) -> None:
    # The YRD agreement grants the YRD platform a subset of footprint fields: fields outside it (e.g. the
    # product mass per declared unit) are missing from the platform's mapped record and reported, not filled.
    query = """{ footprints(first: 1, filter: {statuses: ["published"]}) { edges { node {
      totalKgco2e mapped(to: YRD) { ok record errors { field reason } } } } } }"""
    async with asgi() as client:
        yrd = bearer(client, Role.REGIONAL_PLATFORM, "yrd-platform")
        reg = bearer(client, Role.REGULATOR, "zj-regulator")
        shared = (await run(client, query, yrd))["data"]["footprints"]["edges"][0]["node"]["mapped"]
        full = (await run(client, query, reg))["data"]["footprints"]["edges"][0]["node"]["mapped"]
    assert full["ok"] and full["errors"] == []
    # product mass per declared unit and the creation time are not in the agreement's field list
    for key in ("danweiChanpinZhiliangKg", "chuangjianShijian"):
        assert key in full["record"] and key not in shared["record"], key
    assert shared["record"]["tanZujiTco2e"] == full["record"]["tanZujiTco2e"]


async def test_rule_sets_and_mappings_are_listed_and_read_by_every_role(asgi: Any) -> None:
    query = """{ ruleSets(rulesetId: "label-grade-zj") { rulesetId version layer decisionKind jurisdiction status
      file content } mappingDocuments(target: "pact") { mappingIri version direction file content } }"""
    async with asgi() as client:
        body = (await run(client, query, {}))["data"]
    # 2026.1 added the data-quality check as a new version; 2025.1 stays, to explain the decisions made under it
    assert [(r["version"], r["file"]) for r in body["ruleSets"]] == [
        ("2025.1", "rulesets/label_grade/zj-general/ruleset.yaml"),
        ("2026.1", "rulesets/label_grade/zj-general-2026-1/ruleset.yaml"),
    ]
    for ruleset in body["ruleSets"]:
        assert (ruleset["layer"], ruleset["decisionKind"], ruleset["status"]) == ("general", "label_grade", "published")
        assert ruleset["content"].startswith("id: label-grade-zj")
    directions = sorted(m["direction"] for m in body["mappingDocuments"])
    assert directions == ["export", "import"]
    assert all(m["file"].startswith("mappings/pact/") and "rules:" in m["content"] for m in body["mappingDocuments"])


async def test_footprints_filter_by_the_rules_engine_grade(asgi: Any) -> None:
    query = """query($g: [String!]) { footprints(first: 100, filter: {grades: $g}) { totalCount
      edges { node { decisions { kind grade } } } } }"""
    async with asgi() as client:
        reg = bearer(client, Role.REGULATOR, "zj-regulator")
        a = (await run(client, query, reg, {"g": ["A"]}))["data"]["footprints"]
        ab = (await run(client, query, reg, {"g": ["A", "B"]}))["data"]["footprints"]
    assert a["totalCount"] >= 8 and ab["totalCount"] > a["totalCount"]
    for edge in a["edges"]:
        grades = [d["grade"] for d in edge["node"]["decisions"] if d["kind"] == "label_grade"]
        assert grades[-1] == "A", "the newest label decision decides the footprint's grade"

"""`Footprint.quality` over real HTTP under the policy: the owner, the verifier assigned to the footprint and the
regulator read the summary and the findings; the public, another enterprise, another verifier, partner platforms,
international bodies and standards teams get FORBIDDEN on that field (and only that field); and `node(id:)` on a
quality result's IRI answers a caller who may not read it exactly as it answers for an IRI that does not exist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from hub.auth.principal import Role
from hub.db.models import Footprint, Product, QualityResult
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.security import reads_live

live_hub, db = reads_live.live_hub, reads_live.db  # the module's live hub and its database

FOOTPRINT = """query($id: ID!) { node(id: $id) { ... on Footprint { id totalKgco2e
  quality { id status summary findings chain rulesetId rulesetVersion evaluatedAt } } } }"""
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on QualityResult { status } } }"
MODEL = "ZB-LFP-60"  # zj-battery's published, labelled battery, verified by cert-accredited


def _iris(db: Engine) -> tuple[str, str]:
    """The footprint's IRI and its newest quality result's."""
    with db.connect() as conn:
        row = conn.execute(
            select(Footprint.iri, QualityResult.iri)
            .join(Product, Product.id == Footprint.product_id)
            .join(QualityResult, QualityResult.footprint_id == Footprint.id)
            .where(Product.model == MODEL)
            .order_by(QualityResult.id.desc())
            .limit(1)
        ).one()
    return row[0], row[1]


def _ask(live: Live, query: str, role: Role, key: str | None, iri: str) -> dict[str, Any]:
    return dict(gql(live.client, query, token(live.hub, role, key), {"id": iri}).json())


def test_owner_verifier_and_regulator_read_the_quality(live_hub: Live, db: Engine) -> None:
    footprint, result = _iris(db)
    for role, key in ((Role.ENTERPRISE, "zj-battery"), (Role.VERIFIER, "cert-accredited"), (Role.REGULATOR, None)):
        body = _ask(live_hub, FOOTPRINT, role, key, footprint)
        assert not body.get("errors"), (role, body["errors"])
        quality = body["data"]["node"]["quality"]
        assert quality["id"] == result and quality["status"] in ("pass", "warning")
        assert quality["rulesetId"] == "quality-zj-kp-46" and quality["rulesetVersion"] == "2026.1"
        rules = {f["rule"]: f for f in quality["findings"]}
        assert rules["dqr_pedigree"]["status"] == "warning" and rules["dqr_pedigree"]["reason"]["zh"]
        assert sum(quality["summary"].values()) == len(quality["findings"])
        assert [c["layer"] for c in quality["chain"]] == ["general", "industry", "product"]


def test_everyone_else_is_refused_the_field_and_only_the_field(live_hub: Live, db: Engine) -> None:
    footprint, _ = _iris(db)
    others = [
        (Role.PUBLIC, None),  # the footprint is labelled: the public reads its label page fields
        (Role.ENTERPRISE, "yrd-battery"),
        (Role.VERIFIER, "consult-unaccredited"),
        (Role.REGIONAL_PLATFORM, "yrd-platform"),
        (Role.INTERNATIONAL_BODY, "intl-body"),
        (Role.STANDARDS_TEAM, "zj-standards"),
    ]
    for role, key in others:
        body = _ask(live_hub, FOOTPRINT, role, key, footprint)
        node = body["data"]["node"]
        assert [
            (e["path"][-1], e["extensions"]["code"]) for e in body.get("errors", []) if e["path"][-1] == "quality"
        ] == [("quality", "FORBIDDEN")], (role, key, body)
        assert node is None or (node["id"] == footprint and node["quality"] is None), (role, key)


def test_no_existence_oracle_for_a_quality_result(live_hub: Live, db: Engine) -> None:
    _, result = _iris(db)
    missing = result.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    assert _ask(live_hub, NODE, Role.REGULATOR, None, result)["data"]["node"]["status"] in ("pass", "warning")
    assert _ask(live_hub, NODE, Role.ENTERPRISE, "zj-battery", result)["data"]["node"]["id"] == result
    for role, key in ((Role.PUBLIC, None), (Role.ENTERPRISE, "yrd-battery"), (Role.REGIONAL_PLATFORM, "yrd-platform")):
        hidden, absent = _ask(live_hub, NODE, role, key, result), _ask(live_hub, NODE, role, key, missing)
        assert hidden == absent == {"data": {"node": None}}, (role, key)

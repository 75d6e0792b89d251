"""The permission matrix: every role x every record kind x every field, read and write, against the policy,
through real HTTP to a running hub. Expected outcomes come from an independent reading of the policy
(tests/api/policy_oracle.py) over each record's attributes, read with plain SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from strawberry.utils.str_converters import to_camel_case

from hub.auth.principal import Role
from hub.db.engine import make_engine
from hub.db.models import DocumentVersion
from hub.domain.documents import DocumentKind, DocumentStatus
from hub.policy.catalog import KINDS
from hub.services.origin import Origin
from tests.api.conftest import Live
from tests.api.fixtures import gql, principal, token
from tests.api.policy_oracle import Caller, OracleAgreement, agreements, expected_fields

ROLES = list(Role)
NODE_KINDS = [
    "ProductCategory",
    "Organization",
    "Product",
    "EmissionFactor",
    "Footprint",
    "InventoryLine",
    "Label",
    "Dataset",
    "SharingAgreement",
    "DocumentVersion",
]


def camel(name: str) -> str:
    return to_camel_case(name)


def selection(kind: str) -> str:
    k = KINDS[kind]
    parts = []
    for name in k.fields:
        if name == "stages" and kind == "Footprint":
            parts.append("stages { " + selection("FootprintStage") + " }")
        elif name in k.relations:
            parts.append(f"{camel(name)} {{ __typename }}")
        elif name in k.computed:  # e.g. Footprint.mapped(to:): computed from the readable fields
            parts.append(f"{camel(name)}(to: YRD) {{ ok }}")
        else:
            parts.append(camel(name))
    return " ".join(parts)


@pytest.fixture(scope="module")
def engine(live: Live) -> Iterator[Engine]:
    e = make_engine(live.hub.settings.database_url)
    yield e
    e.dispose()


@pytest.fixture(scope="module", autouse=True)
def document_versions(engine: Engine, live: Live) -> None:
    """One document version in each status, so that every role's reach over each status is probed."""
    origin = Origin(actor=f"{live.hub.settings.base_iri}org/zj-standards")
    with Session(engine) as session, session.begin():
        for i, status in enumerate(DocumentStatus):
            version = DocumentVersion(
                iri=f"{live.hub.settings.base_iri}document-version/probe-{status.value}",
                kind=DocumentKind.RULESET,
                document_id="probe-ruleset",
                version=f"1.{i}",
                status=status,
                content="id: probe-ruleset\n",
                tests=None,
                test_report={"passed": 1, "failed": 0, "failures": []},
            )
            origin.stamp(version)
            session.add(version)


@pytest.fixture(scope="module")
def shared(engine: Engine) -> list[OracleAgreement]:
    return agreements(engine, datetime.now(UTC).date())


def caller_for(engine: Engine, live: Live, role: Role) -> Caller:
    p = principal(live.hub.settings, role)
    if p.org_iri is None:
        return Caller(p, None)
    with engine.connect() as conn:
        org_id = conn.execute(text("SELECT id FROM organization WHERE iri = :i"), {"i": p.org_iri}).scalar()
    return Caller(p, org_id)


# -- each kind's probe records and their attributes (plain SQL, independent of hub/policy) ------------

# A label once issued has a serial: its footprint, and the footprint's product, are shown on its public page.
LABELLED = "EXISTS (SELECT 1 FROM label lb WHERE lb.footprint_id = {fp} AND lb.serial IS NOT NULL)"
PRODUCT_LABELLED = (
    "EXISTS (SELECT 1 FROM label lb JOIN footprint lf ON lf.id = lb.footprint_id "
    "WHERE lf.product_id = {product} AND lb.serial IS NOT NULL)"
)
FOOTPRINT_SQL = f"""
SELECT f.iri, p.owner_id AS owner, o.region AS owner_region, f.status, f.verifier_id AS verifier,
  {LABELLED.format(fp="f.id")} AS labelled, {PRODUCT_LABELLED.format(product="f.product_id")} AS product_labelled
FROM footprint f JOIN product p ON p.id = f.product_id JOIN organization o ON o.id = p.owner_id
ORDER BY f.id
"""


def probes(engine: Engine, kind: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:

        def rows(sql: str) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in conn.execute(text(sql))]

        if kind in ("Footprint", "FootprintStage"):
            out = rows(FOOTPRINT_SQL)
            for r in out:
                r["_statuses"] = frozenset({r["status"]})
                r["footprint_status"], r["footprint_verifier"] = r["status"], r["verifier"]
            return out
        if kind == "Product":
            out = rows(
                "SELECT p.id, p.iri, p.owner_id AS owner, o.region AS owner_region, "
                f"{PRODUCT_LABELLED.format(product='p.id')} AS labelled FROM product p "
                "JOIN organization o ON o.id = p.owner_id ORDER BY p.id"
            )
            for r in out:
                statuses = {
                    s
                    for (s,) in conn.execute(text("SELECT status FROM footprint WHERE product_id = :p"), {"p": r["id"]})
                }
                r["_statuses"] = frozenset(statuses)
                r["has_published_footprint"] = "published" in statuses
            return out
        if kind == "Organization":
            return rows("SELECT id, iri, kind, region FROM organization ORDER BY id")
        if kind == "EmissionFactor":
            return rows("SELECT iri, illustrative FROM emission_factor ORDER BY id LIMIT 3")
        if kind == "ProductCategory":
            return rows("SELECT iri, level FROM product_category WHERE code IN ('IND-01', 'KP-01', 'KP-46')")
        if kind == "InventoryLine":
            out = rows(
                "SELECT l.iri, p.owner_id AS owner, f.status AS footprint_status, "
                "f.verifier_id AS footprint_verifier FROM inventory_line l "
                "JOIN footprint f ON f.id = l.footprint_id JOIN product p ON p.id = f.product_id "
                "WHERE l.id IN (SELECT MIN(id) FROM inventory_line GROUP BY footprint_id) ORDER BY l.id"
            )
            for r in out:
                r["_statuses"] = frozenset({r["footprint_status"]})
            return out
        if kind == "Label":
            out = rows(
                "SELECT l.iri, p.owner_id AS owner, l.status, f.status AS footprint_status, "
                "l.certifier_id AS certifier, l.serial IS NOT NULL AS issued FROM label l "
                "JOIN footprint f ON f.id = l.footprint_id JOIN product p ON p.id = f.product_id "
                "ORDER BY l.id"
            )
            for r in out:
                r["_statuses"] = frozenset({r["footprint_status"]})
            return out
        if kind == "DocumentVersion":
            return rows("SELECT iri, status FROM document_version ORDER BY id")
        if kind in ("Dataset", "SharingAgreement"):
            table = {"Dataset": "dataset", "SharingAgreement": "sharing_agreement"}[kind]
            return rows(f"SELECT iri, region FROM {table} ORDER BY id")
    raise KeyError(kind)


def forbidden_paths(body: dict[str, Any]) -> set[tuple[Any, ...]]:
    out = set()
    for e in body.get("errors", []):
        assert e.get("extensions", {}).get("code") == "FORBIDDEN", e
        out.add(tuple(e["path"]))
    return out


def check_fields(
    kind: str,
    obj: dict[str, Any],
    path: tuple[Any, ...],
    allowed: frozenset[str],
    errors: set[tuple[Any, ...]],
) -> None:
    for name in KINDS[kind].fields:
        field_path = (*path, camel(name))
        if name in allowed:
            assert field_path not in errors, f"{kind}.{name} refused but the policy allows it at {field_path}"
        else:
            assert field_path in errors, f"{kind}.{name} readable but the policy forbids it at {field_path}"
            assert obj[camel(name)] is None, f"{kind}.{name} has a value despite the error"


MATRIX = [(role, kind) for role in ROLES for kind in [*NODE_KINDS, "FootprintStage", "AuditEvent", "CategoryBenchmark"]]


@pytest.mark.parametrize(("role", "kind"), MATRIX, ids=[f"{r.value}-{k}" for r, k in MATRIX])
def test_read(live: Live, engine: Engine, shared: list[OracleAgreement], role: Role, kind: str) -> None:
    policy, caller = live.hub.policy, caller_for(engine, live, role)
    bearer = token(live.hub, role)
    if kind == "AuditEvent":
        return _audit_events(live, engine, caller, bearer)
    if kind == "CategoryBenchmark":
        body = gql(live.client, "{ categoryBenchmarks { " + selection(kind) + " } }", bearer).json()
        rows = body["data"]["categoryBenchmarks"]
        allowed = expected_fields(policy, kind, {}, caller, shared)
        assert (allowed is None) == (rows == [])
        for i, row in enumerate(rows):
            check_fields(kind, row, ("categoryBenchmarks", i), allowed or frozenset(), forbidden_paths(body))
        return None
    target = "Footprint" if kind == "FootprintStage" else kind
    query = "query($id: ID!) { node(id: $id) { ... on " + target + " { id " + selection(target) + " } } }"
    seen = 0
    for probe in probes(engine, kind):
        response = gql(live.client, query, bearer, {"id": probe["iri"]})
        assert response.status_code == 200, response.text
        body = response.json()
        node = body["data"]["node"]
        allowed = expected_fields(policy, target, probe, caller, shared)
        assert (node is None) == (allowed is None), f"{role.value} row visibility of {target} {probe}"
        if node is None:
            continue
        errors = forbidden_paths(body)
        if kind == "FootprintStage":
            stage_allowed = expected_fields(policy, "FootprintStage", probe, caller, shared)
            if "stages" not in allowed:
                continue
            stages = node["stages"]
            assert (stage_allowed is None) == (stages == []), f"{role.value} stage visibility {probe}"
            for i, stage in enumerate(stages):
                check_fields("FootprintStage", stage, ("node", "stages", i), stage_allowed or frozenset(), errors)
                seen += 1
            continue
        check_fields(kind, node, ("node",), allowed, errors)
        seen += 1
    if role is Role.REGULATOR:
        assert seen > 0, f"the regulator reached no {kind}: the matrix would prove nothing"
    return None


def _audit_events(live: Live, engine: Engine, caller: Caller, bearer: str | None) -> None:
    policy = live.hub.policy
    with engine.connect() as conn:
        max_id = conn.execute(text("SELECT MAX(id) FROM audit_event")).scalar()
    body = gql(
        live.client,
        "{ auditTrail(first: 100) { edges { node { id " + selection("AuditEvent") + " } } } }",
        bearer,
    ).json()
    errors = forbidden_paths(body)
    edges = [e for e in body["data"]["auditTrail"]["edges"] if int(e["node"]["id"]) <= max_id]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, actor FROM audit_event WHERE id <= :m ORDER BY id"), {"m": max_id}).all()
    visible = [r.id for r in rows if expected_fields(policy, "AuditEvent", {"actor": r.actor}, caller, []) is not None]
    assert [int(e["node"]["id"]) for e in edges] == visible[: len(edges)]
    assert len(edges) == min(100, len(visible)) or len(edges) == len([v for v in visible[:100]])
    allowed = expected_fields(policy, "AuditEvent", {"actor": caller.principal.org_iri}, caller, [])
    for i, edge in enumerate(edges):
        check_fields("AuditEvent", edge["node"], ("auditTrail", "edges", i, "node"), allowed or frozenset(), errors)


# -- writes: every role x every mutation ------------------------------------------------------------

MUTATION_CALLS = {
    "createProduct": 'createProduct(input: {categoryCode: "KP-00", name: "x"}) { errors { path } }',
    "createFootprint": "createFootprint(data: {}) { errors { path } }",
    "submitFootprint": 'submitFootprint(footprintId: "urn:x:none", verifierId: "urn:x:none") { errors { path } }',
    "verifyFootprint": 'verifyFootprint(footprintId: "urn:x:none", statement: "s") { errors { path } }',
    "rejectFootprint": 'rejectFootprint(footprintId: "urn:x:none", statement: "s") { errors { path } }',
    "publishFootprint": 'publishFootprint(footprintId: "urn:x:none") { errors { path } }',
    "withdrawFootprint": 'withdrawFootprint(footprintId: "urn:x:none") { errors { path } }',
    "recomputeFootprint": 'recomputeFootprint(footprintId: "urn:x:none") { errors { path } }',
    "applyForLabel": 'applyForLabel(footprintId: "urn:x:none", input: {certifierId: "urn:x:none"}) { errors { path } }',
    "certifyLabel": 'certifyLabel(labelId: "urn:x:none", statement: "s") { errors { path } }',
    "refuseLabel": 'refuseLabel(labelId: "urn:x:none", statement: "s") { errors { path } }',
    "fileLabel": 'fileLabel(labelId: "urn:x:none") { errors { path } }',
    "issueLabel": 'issueLabel(labelId: "urn:x:none") { errors { path } }',
    "recheckLabel": 'recheckLabel(labelId: "urn:x:none", finding: "f") { errors { path } }',
    "suspendLabel": 'suspendLabel(labelId: "urn:x:none", reason: "r") { errors { path } }',
    "reinstateLabel": 'reinstateLabel(labelId: "urn:x:none", reason: "r") { errors { path } }',
    "revokeLabel": 'revokeLabel(labelId: "urn:x:none", reason: "r") { errors { path } }',
    "applyRegrade": "applyRegrade(expect: -1) { errors { path } }",
    "createEmissionFactor": "createEmissionFactor(data: {}) { errors { path } }",
    "createSharingAgreement": 'createSharingAgreement(input: {region: "YRD", title: "", recordKinds: [], '
    'statuses: [], validFrom: "2025-01-01"}) { errors { path } }',
    "createDraftRuleSet": 'createDraftRuleSet(content: "") { errors { path } }',
    "createDraftMapping": 'createDraftMapping(content: "") { errors { path } }',
    "testDraft": 'testDraft(id: "urn:x:none") { errors { path } }',
    "publishDraft": 'publishDraft(id: "urn:x:none") { errors { path } }',
    "pullPactFootprints": 'pullPactFootprints(partner: "") { errors { path } }',
    "exportBundle": 'exportBundle(to: "MARS") { errors { path } }',
    "importBundle": "importBundle(bundle: {}) { errors { path } }",
    # a string where the multipart file belongs: refused as no file, before anything is read
    "importSheet": 'importSheet(file: "x") { errors { reason } }',
    "importSource": 'importSource(kind: "x", file: "x", publisher: "p", licence: "l") { errors { reason } }',
}
WRITES = [(role, name) for role in ROLES for name in MUTATION_CALLS]


def test_every_mutation_has_a_matrix_call(live: Live) -> None:
    assert set(MUTATION_CALLS) == set(live.hub.policy.mutations)


@pytest.mark.parametrize(("role", "mutation"), WRITES, ids=[f"{r.value}-{m}" for r, m in WRITES])
def test_write(live: Live, role: Role, mutation: str) -> None:
    """A role the policy names gets past authorization (to input errors: nothing is written); any other
    role gets a FORBIDDEN error and no payload."""
    body = gql(live.client, "mutation { " + MUTATION_CALLS[mutation] + " }", token(live.hub, role)).json()
    allowed = live.hub.policy.may_run(mutation, role.value)
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    if allowed:
        assert "FORBIDDEN" not in codes, body
        payload = body["data"][mutation]
        assert payload["errors"], f"{mutation} with empty input must fail with field errors: {body}"
    else:
        assert codes == ["FORBIDDEN"], body
        assert body["data"] is None or body["data"].get(mutation) is None


# -- the same refusals end to end, over the real server -------------------------------------------


def test_bad_tokens_are_refused_with_401_over_real_http(live: Live) -> None:
    good = token(live.hub, Role.ENTERPRISE) or ""
    head, body, sig = good.split(".")
    for bad in (f"{head}.{body}x.{sig}", good[:-6] + "AAAAAA", "x.y.z"):
        response = gql(live.client, "{ viewer { role } }", bad)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_deep_and_aliased_queries_are_refused_over_real_http(live: Live) -> None:
    deep = "{ " + "productCategories { parent { " * 25 + "code" + " } }" * 25 + " }"
    aliased = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(1000)) + " }"
    for query, message in ((deep, "nested deeper"), (aliased, "token")):
        response = gql(live.client, query)
        assert response.status_code == 400
        assert message in response.json()["errors"][0]["message"]

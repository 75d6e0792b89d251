"""Incremental sync between real hubs on loopback: `cfhub sync ZJ` on YRD asks ZJ's /federation/changes as the
regional_platform client ZJ registered for YRD, and applies each batch with the importer, its cursor moved in
the same transaction. Changes at the source are made through ZJ's GraphQL API, as its users make them.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal, Role
from hub.bootstrap import open_hub, token_service
from hub.db.models import ImportedRecord, SharingAgreement
from hub.domain.codes import Region
from hub.federation.importer import ImportReport
from hub.federation.peers import store_secret
from hub.federation.sync import SyncReport, sync_peer
from hub.validation import InvalidInput
from tests.api.payloads import footprint_input
from tests.federation.hubs import SHARED_FIELDS, Federation
from tests.security.lifecycle_world import together

WITHDRAW = "mutation($f: ID!) { withdrawFootprint(footprintId: $f) { errors { path reason } } }"
REVOKE = 'mutation($l: ID!) { revokeLabel(labelId: $l, reason: "misused") { errors { path reason } } }'
CREATE = "mutation($d: JSON!) { createFootprint(data: $d) { footprint { id } errors { path reason } } }"
SUBMIT = "mutation($f: ID!, $v: ID!) { submitFootprint(footprintId: $f, verifierId: $v) { errors { path reason } } }"
VERIFY = 'mutation($f: ID!) { verifyFootprint(footprintId: $f, statement: "Checked.") { errors { path reason } } }'
PUBLISH = "mutation($f: ID!) { publishFootprint(footprintId: $f) { errors { path reason } } }"


class Giver:
    """The source hub's users, acting through its GraphQL API over HTTP."""

    def __init__(self, fed: Federation, region: str) -> None:
        self.fed, self.region, self.settings = fed, region, fed[region].settings

    def org(self, key: str) -> str:
        return f"{self.settings.base_iri}org/{key}"

    def act(self, role: Role, org: str, query: str, **variables: Any) -> dict[str, Any]:
        token = token_service(self.settings).issue(Principal(role, self.org(org), self.region))
        answer = httpx.post(
            f"{self.fed[self.region].url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        body: dict[str, Any] = answer.json()
        assert not body.get("errors"), body
        [payload] = body["data"].values()
        assert payload["errors"] == [], payload
        return dict(payload)

    def one(self, sql: str) -> Any:
        rows = self.fed.rows(self.region, sql)
        assert rows, sql
        return rows[0]


def _connect(fed: Federation, giver: str, receiver: str) -> None:
    """The giver registers a regional_platform client for the receiver's platform; the receiver keeps it."""
    org = {"YRD": "yrd-platform", "GBA": "gba-platform"}[receiver]
    made = fed.cli(giver, "client", "create", "--org", org)
    assert made.exit_code == 0, made.output
    client_id = re.search(r"client_id: (\S+)", made.output)
    secret = re.search(r"client_secret: (\S+)", made.output)
    assert client_id and secret, made.output
    engine = fed.engine(receiver)
    with engine.begin() as conn:
        conn.execute(text("UPDATE peer SET client_id = :c WHERE region = :r"), {"c": client_id[1], "r": giver})
    engine.dispose()
    store_secret(fed[receiver].settings.key_dir, giver, secret[1])


def _sync(fed: Federation, receiver: str, giver: str, *args: str) -> str:
    result = fed.cli(receiver, "sync", giver, *args)
    assert result.exit_code == 0, result.output
    return result.output


def _records(fed: Federation, region: str) -> dict[str, dict[str, Any]]:
    rows = fed.rows(region, "SELECT iri, document, superseded_by_iri FROM imported_record")
    out = {}
    for r in rows:
        doc = json.loads(r.document) if isinstance(r.document, str) else dict(r.document)
        out[r.iri] = {**doc, "_superseded_by": r.superseded_by_iri}
    return out


def _cursor(fed: Federation, region: str) -> int | None:
    rows = fed.rows(region, "SELECT position FROM sync_cursor")
    return rows[0].position if rows else None


def _head(fed: Federation, region: str) -> int:
    return int(fed.rows(region, "SELECT max(id) AS m FROM audit_event")[0].m)


def _grant_supersedes(fed: Federation, giver: str, receiver: str) -> None:
    """The agreement also shares which footprint a version supersedes (so the receiver can mark the older)."""
    engine = fed.engine(giver)
    with engine.begin() as conn:
        fields = {"Footprint": [*SHARED_FIELDS, "supersedes"]}
        conn.execute(update(SharingAgreement).where(SharingAgreement.region == Region(receiver)).values(fields=fields))
    engine.dispose()


def test_sync_brings_new_versions_withdrawals_and_label_revocations(federation: Federation) -> None:
    fed, zj = federation, Giver(federation, "ZJ")
    _connect(fed, "ZJ", "YRD")
    _grant_supersedes(fed, "ZJ", "YRD")
    out = _sync(fed, "YRD", "ZJ")
    assert "cursor" in out and "records written" in out
    first = _records(fed, "YRD")
    exported = json.loads(fed.export("ZJ", "YRD").read_bytes())
    # What an export gives, and a withdrawal notice for each footprint withdrawn after it was published.
    notices = set(first) - {r["@id"] for r in exported["records"]}
    assert {r["@id"] for r in exported["records"]} <= set(first)
    withdrawn = {r.iri for r in fed.rows("ZJ", "SELECT iri FROM footprint WHERE status = 'withdrawn'")}
    assert notices <= withdrawn and {first[iri]["status"] for iri in notices} <= {"withdrawn"}
    # Each answer of /federation/changes is audited at the source (one "export" event), as is the export; so is
    # each label credential signed for the first time to travel with its label (hub/federation/labels.py).
    cursor = _cursor(fed, "YRD")
    signed = fed.rows("ZJ", f"SELECT count(*) AS n FROM audit_event WHERE action = 'sign-credential' AND id > {cursor}")
    assert cursor == _head(fed, "ZJ") - 2 - signed[0].n
    assert "0 records written" in _sync(fed, "YRD", "ZJ")  # only those events since: nothing to apply

    # A label revoked at the source.
    label, labelled = zj.one(
        "SELECT l.iri, f.iri AS fp FROM label l JOIN footprint f ON f.id = l.footprint_id "
        "WHERE l.status = 'issued' AND f.status = 'published' ORDER BY l.id"
    )
    assert any(x["@id"] == label for x in first[labelled]["labels"])
    assert {x["status"] for x in first[labelled]["labels"]} == {"issued"}
    zj.act(Role.REGULATOR, "zj-regulator", REVOKE, l=label)
    # A new version of a published footprint, taken through the life cycle.
    old, product, owner = zj.one(
        "SELECT f.iri, p.iri AS product, o.iri AS owner FROM footprint f JOIN product p ON p.id = f.product_id "
        "JOIN organization o ON o.id = p.owner_id WHERE f.status = 'published' AND f.iri != '" + labelled + "' "
        "AND NOT EXISTS (SELECT 1 FROM footprint n WHERE n.supersedes_id = f.id) ORDER BY f.id"
    )
    owner_key = owner.rsplit("/", 1)[1]
    factor, value = zj.one("SELECT iri, value_kgco2e_per_unit FROM emission_factor WHERE unit = 'kWh' LIMIT 1")
    data = {**footprint_input(product, factor, 10.0, value), "supersedes_iri": old}
    new = zj.act(Role.ENTERPRISE, owner_key, CREATE, d=data)["footprint"]["id"]
    zj.act(Role.ENTERPRISE, owner_key, SUBMIT, f=new, v=zj.org("cert-accredited"))
    zj.act(Role.VERIFIER, "cert-accredited", VERIFY, f=new)
    zj.act(Role.REGULATOR, "zj-regulator", PUBLISH, f=new)
    # A withdrawal of another published footprint, and of a draft the peer never could read.
    gone = zj.one(
        f"SELECT iri FROM footprint WHERE status = 'published' AND iri NOT IN ('{labelled}', '{old}', '{new}') "
        "ORDER BY id DESC"
    )[0]
    zj.act(Role.REGULATOR, "zj-regulator", WITHDRAW, f=gone)
    draft = zj.one("SELECT iri FROM footprint WHERE status = 'draft' ORDER BY id")[0]
    zj.act(Role.REGULATOR, "zj-regulator", WITHDRAW, f=draft)

    out = _sync(fed, "YRD", "ZJ")
    after = _records(fed, "YRD")
    assert after[new]["version"] == 2 and after[old]["_superseded_by"] == new
    assert after[gone]["status"] == "withdrawn"
    assert {x["@id"]: x["status"] for x in after[labelled]["labels"]}[label] == "revoked"
    assert draft not in after  # no notice of a record the agreement never let YRD read
    assert set(after) == set(first) | {new}
    assert after[gone]["total_kgco2e"] == first[gone]["total_kgco2e"]  # the notice keeps what was shared
    assert _cursor(fed, "YRD") == _head(fed, "ZJ") - 1
    assert "0 records written" in _sync(fed, "YRD", "ZJ")
    # The periodic job: two rounds, nothing new, none failed.
    periodic = _sync(fed, "YRD", "ZJ", "--every", "0.01", "--rounds", "2")
    assert "0 failed rounds" in periodic and periodic.count("cursor") >= 2


def _run_sync(fed: Federation, receiver: str, giver: str, limit: int, fault: Any = None) -> SyncReport:
    async def run() -> SyncReport:
        hub = open_hub(fed[receiver].settings)
        try:
            async with httpx.AsyncClient(timeout=60) as http:
                return await sync_peer(hub, giver, http, None, limit, fault)
        finally:
            await hub.close()

    return asyncio.run(run())


def _attempt(fed: Federation) -> str:
    try:
        _run_sync(fed, "YRD", "ZJ", 10_000)
    except InvalidInput as error:
        assert [e.path for e in error.errors] == ["$.cursor"], error.errors
        return "cursor moved"
    return "applied"


class Killed(RuntimeError):
    pass


def test_a_sync_killed_mid_batch_applies_nothing_of_it_and_the_next_run_resumes(federation: Federation) -> None:
    fed = federation
    _connect(fed, "ZJ", "YRD")

    async def kill_after_records(session: AsyncSession, report: ImportReport) -> None:
        written = await session.scalar(select(func.count()).select_from(ImportedRecord))
        if report.written and written:  # the batch's records are written in this transaction: die now
            raise Killed(f"killed after {written} records")

    with pytest.raises(Killed):
        _run_sync(fed, "YRD", "ZJ", 10_000, kill_after_records)
    assert fed.rows("YRD", "SELECT iri FROM imported_record") == []
    assert _cursor(fed, "YRD") is None
    assert fed.rows("YRD", "SELECT id FROM audit_event WHERE action = 'import'") == []

    # In small batches: the first batches apply, one is killed part-way, the next run starts where it stopped.
    batches: list[int] = []

    async def kill_third(session: AsyncSession, report: ImportReport) -> None:
        batches.append(report.written)
        if len([b for b in batches if b]) == 3:
            raise Killed("third batch with records")

    with pytest.raises(Killed):
        _run_sync(fed, "YRD", "ZJ", 40, kill_third)
    kept, cursor = set(_records(fed, "YRD")), _cursor(fed, "YRD")
    assert cursor is not None and 0 < cursor < _head(fed, "ZJ") and kept
    resumed = _run_sync(fed, "YRD", "ZJ", 40)
    assert resumed.start == cursor and resumed.cursor == _head(fed, "ZJ") - 1
    everything = json.loads(fed.export("ZJ", "YRD").read_bytes())
    withdrawn = {r.iri for r in fed.rows("ZJ", "SELECT iri FROM footprint WHERE status = 'withdrawn'")}
    assert set(_records(fed, "YRD")) - withdrawn == {r["@id"] for r in everything["records"]}


def test_the_changes_endpoint_answers_only_a_peer_and_only_what_its_agreement_grants(federation: Federation) -> None:
    fed = federation
    url = f"{fed['ZJ'].url}/federation/changes"
    assert httpx.get(url, params={"since": 0}).status_code == 401
    settings = fed["ZJ"].settings
    for role, org, region in [
        (Role.REGULATOR, "zj-regulator", "ZJ"),
        (Role.ENTERPRISE, "zj-battery", "ZJ"),
        (Role.REGIONAL_PLATFORM, "zj-regulator", "INTL"),  # a platform of a region ZJ has no peer for
    ]:
        token = token_service(settings).issue(Principal(role, f"{settings.base_iri}org/{org}", region))
        answer = httpx.get(url, params={"since": 0}, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 403, (role, answer.text)
        assert "records" not in answer.text
    token = token_service(settings).issue(
        Principal(Role.REGIONAL_PLATFORM, f"{settings.base_iri}org/yrd-platform", "YRD")
    )
    for bad in ("-1", "1e3", "NaN", "9" * 40, str(10**9)):
        answer = httpx.get(url, params={"since": bad}, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 400 and "$.since" in answer.text, (bad, answer.text)

    # GBA shares with ZJ under "no onward transfer": ZJ imports it; YRD's sync from ZJ never brings it.
    imported = fed.cli("ZJ", "import", str(fed.export("GBA", "ZJ")))
    assert imported.exit_code == 0, imported.output
    gba = {r.iri for r in fed.rows("ZJ", "SELECT iri FROM imported_record")}
    assert gba
    # YRD lets ZJ pass its records on: ZJ never passes them back to YRD (whose importer would refuse them).
    assert fed.cli("ZJ", "import", str(fed.export("YRD", "ZJ"))).exit_code == 0
    yrd = {r.iri for r in fed.rows("ZJ", "SELECT iri FROM imported_record")} - gba
    assert yrd
    unready = fed.cli("YRD", "sync", "ZJ")  # no client at ZJ yet: refused, naming what is missing
    assert unready.exit_code == 1 and "$.client_id" in unready.output and _cursor(fed, "YRD") is None
    _connect(fed, "ZJ", "YRD")
    # Five syncs of ZJ at once on YRD: one applies the first batch, the others are told the cursor moved.
    outcomes = together([lambda: _attempt(fed)] * 5)
    assert outcomes.count("applied") >= 1 and set(outcomes) <= {"applied", "cursor moved"}, outcomes
    assert len(fed.rows("YRD", "SELECT id FROM audit_event WHERE action = 'import'")) == 1
    assert "0 records written" in _sync(fed, "YRD", "ZJ")
    synced = _records(fed, "YRD")
    assert synced and not (set(synced) & gba)
    withheld = {"product_mass_kg_per_declared_unit", "fossil_carbon_content_kgc", "created_at", "comment"}
    assert all(not (withheld & set(doc)) for doc in synced.values())
    assert not (set(synced) & yrd)
    # Once GBA lets ZJ pass its records on, ZJ's next import of them is a change YRD's sync brings, under
    # GBA's policy and with GBA as their source.
    fed.set_terms("GBA", "ZJ", onward_transfer=True)
    assert fed.cli("ZJ", "import", str(fed.export("GBA", "ZJ"))).exit_code == 0
    _sync(fed, "YRD", "ZJ")
    onward = {r.iri: r.source_region for r in fed.rows("YRD", "SELECT iri, source_region FROM imported_record")}
    assert {iri for iri in onward if iri in gba} == gba and {onward[iri] for iri in gba} == {"GBA"}
    assert {doc["status"] for doc in synced.values()} <= {"published", "verified", "withdrawn"}  # never a draft

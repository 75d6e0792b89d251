"""Labels from partner regions on the ZJ public page (issue 13 item 5), between three real hubs on loopback.

YRD's users act through YRD's GraphQL API; ZJ syncs (`cfhub sync YRD`) or imports a bundle file
(`cfhub import`); the public reads ZJ's pages over HTTP. Bundles a test needs "validly signed but wrong" are
re-signed with YRD's own key (the test holds its key folder), so only the fault under test is the reason.
"""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from hub.auth.principal import Role
from hub.bootstrap import hub_identity, open_hub
from hub.db.models import SharingAgreement
from hub.domain.codes import Region
from hub.federation.importer import ImportReport, import_bundle
from hub.integrity.proofs import EDDSA_RDFC_2022
from tests.federation.hubs import Federation
from tests.federation.peering import connect
from tests.federation.test_sync import REVOKE, Giver
from tests.security.lifecycle_world import together

ISSUE = "mutation($l: ID!) { issueLabel(labelId: $l) { errors { path reason } } }"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
PUBLIC_KEYS = {"url", "origin", "label", "status", "product", "footprint", "credential", "recognition"}


def _issue_on_yrd(fed: Federation) -> tuple[str, str]:
    """YRD's regulator issues a filed label; its IRI and serial."""
    yrd = Giver(fed, "YRD")
    label = yrd.one("SELECT iri FROM label WHERE status = 'filed' ORDER BY id LIMIT 1").iri
    yrd.act(Role.REGULATOR, "zj-regulator", ISSUE, l=label)
    return label, yrd.one(f"SELECT serial FROM label WHERE iri = '{label}'").serial


def _sync(fed: Federation) -> None:
    result = fed.cli("ZJ", "sync", "YRD")
    assert result.exit_code == 0, result.output


def _count(fed: Federation, region: str, table: str) -> int:
    return int(fed.rows(region, f"SELECT count(*) AS n FROM {table}")[0].n)


def test_a_yrd_label_shows_on_the_zj_page_with_origin_and_recognition_and_its_revocation_follows(
    federation: Federation,
) -> None:
    fed = federation
    connect(fed, "ZJ", ("YRD",))
    label, serial = _issue_on_yrd(fed)
    _sync(fed)
    zj = fed["ZJ"].url
    path = f"/l/partner/YRD/{serial}"

    english = httpx.get(f"{zj}{path}?lang=en")
    assert english.status_code == 200, english.text
    assert "issued by the Yangtze River Delta (YRD) hub" in english.text
    assert fed["YRD"].did in english.text
    assert "verified against the issuer&#39;s did:web key" in english.text
    assert "Status as of" in english.text and "status-banner" not in english.text
    assert "Mutual recognition (Zhejiang)" in english.text and "recognition-yrd" in english.text
    chinese = httpx.get(f"{zj}{path}?lang=zh")
    assert "由长三角平台签发" in chinese.text and "互认结论" in chinese.text

    data = httpx.get(f"{zj}{path}.json").json()
    assert set(data) == PUBLIC_KEYS
    assert data["origin"] == {"region": "YRD", "did": fed["YRD"].did}
    assert data["label"]["serial"] == serial and data["label"]["status"] == "issued"
    assert data["credential"]["verified"] is True
    assert data["status"]["as_of"]
    decision = data["recognition"]
    assert decision["ruleset"]["id"] == "recognition-yrd" and decision["checks"]
    assert decision["recognised"] in (True, False, None)
    assert all(set(c) == {"rule", "text", "result"} for c in decision["checks"])  # texts, not the partner's facts
    # The credential is the origin's, byte for byte as YRD serves it; ZJ's own /l/{serial} leads to the page.
    theirs = httpx.get(f"{fed['YRD'].url}/l/{serial}/credential.json").json()
    assert httpx.get(f"{zj}{path}/credential.json").json() == theirs
    found = httpx.get(f"{zj}/l/{serial}", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == path

    # YRD revokes; the next sync brings it, read from YRD's status list.
    Giver(fed, "YRD").act(Role.REGULATOR, "zj-regulator", REVOKE, l=label)
    _sync(fed)
    revoked = httpx.get(f"{zj}{path}?lang=en")
    assert 'id="status-banner"' in revoked.text and "revoked" in revoked.text
    after = httpx.get(f"{zj}{path}.json").json()
    assert after["label"]["status"] == "revoked"
    assert after["credential"]["verified"] is False
    assert any(c["check"] == "status:revocation" and not c["ok"] for c in after["credential"]["checks"])
    assert after["status"]["as_of"] >= data["status"]["as_of"]


def test_the_public_reads_only_public_fields_of_a_partner_label(federation: Federation) -> None:
    fed = federation
    connect(fed, "ZJ", ("YRD",))
    _, serial = _issue_on_yrd(fed)
    _sync(fed)
    body = httpx.get(f"{fed['ZJ'].url}/l/partner/YRD/{serial}.json").text
    for private in ("bundle_iri", "received_at", "status_lists", "fossil_kgco2e", "stages", "usage_policy"):
        assert private not in body, private
    # Unknown origin, unknown serial, absurd input: the same 404, naming nothing.
    for wrong in ("/l/partner/GBA/" + serial, "/l/partner/YRD/NOPE", "/l/partner/" + "X" * 40 + "/1"):
        answer = httpx.get(f"{fed['ZJ'].url}{wrong}.json")
        assert answer.status_code == 404 and serial not in answer.text


def _bundle_with_label(fed: Federation) -> tuple[dict[str, Any], int, int]:
    path = fed.export("YRD", "ZJ")
    bundle: dict[str, Any] = json.loads(path.read_bytes())
    for i, entry in enumerate(bundle["records"]):
        for j, label in enumerate(entry.get("labels", [])):
            if "credential" in label:
                return bundle, i, j
    raise AssertionError("the export carries no label credential")


def _resigned(fed: Federation, bundle: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in bundle.items() if k != "proof"}
    return hub_identity(fed["YRD"].settings).sign(unsigned, NOW)


def _import(fed: Federation, bundle: dict[str, Any], name: str) -> Any:
    path: Path = fed.workdir / name
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return fed.cli("ZJ", "import", str(path))


def _import_now(fed: Federation, bundle: dict[str, Any]) -> ImportReport:
    """One importer of ZJ in a process of its own (as `cfhub import` is), with its own connections."""

    async def run() -> ImportReport:
        hub = open_hub(fed["ZJ"].settings)
        try:
            async with httpx.AsyncClient(timeout=60) as http:
                return await import_bundle(hub, bundle, http)
        finally:
            await hub.close()

    return asyncio.run(run())


def _nothing_written(fed: Federation) -> None:
    assert _count(fed, "ZJ", "imported_record") == 0
    assert _count(fed, "ZJ", "partner_label") == 0
    assert fed.rows("ZJ", "SELECT count(*) AS n FROM audit_event WHERE action = 'import'")[0].n == 0


def test_a_tampered_or_foreign_label_credential_refuses_the_whole_bundle(federation: Federation) -> None:
    fed = federation
    bundle, i, j = _bundle_with_label(fed)
    assert bundle["label_status_lists"], "a bundle with labels carries the origin's status lists"

    tampered = copy.deepcopy(bundle)
    credential = tampered["records"][i]["labels"][j]["credential"]
    credential["credentialSubject"]["carbonLabel"]["footprint"]["value"] = "0.001"
    result = _import(fed, _resigned(fed, tampered), "tampered.json")
    assert result.exit_code != 0 and f"$.records[{i}].labels[{j}]" in result.output and "proof" in result.output
    _nothing_written(fed)

    # Signed by a key that is not the origin's: GBA's, a known peer's, with the issuer still YRD.
    foreign = copy.deepcopy(bundle)
    label = foreign["records"][i]["labels"][j]
    unsigned = {k: v for k, v in label["credential"].items() if k != "proof"}
    label["credential"] = hub_identity(fed["GBA"].settings).sign(unsigned, NOW, cryptosuite=EDDSA_RDFC_2022)
    result = _import(fed, _resigned(fed, foreign), "foreign-key.json")
    assert result.exit_code != 0 and "another DID than the issuer" in result.output, result.output
    _nothing_written(fed)

    # Issued by GBA and signed by GBA, passed off in YRD's bundle: a label travels only from its origin.
    passed_off = copy.deepcopy(bundle)
    label = passed_off["records"][i]["labels"][j]
    unsigned = {**{k: v for k, v in label["credential"].items() if k != "proof"}, "issuer": fed["GBA"].did}
    label["credential"] = hub_identity(fed["GBA"].settings).sign(unsigned, NOW, cryptosuite=EDDSA_RDFC_2022)
    result = _import(fed, _resigned(fed, passed_off), "passed-off.json")
    assert result.exit_code != 0 and "not by the hub that sent it" in result.output, result.output
    _nothing_written(fed)

    # The entry says another grade than its (untouched) credential.
    regraded = copy.deepcopy(bundle)
    regraded["records"][i]["labels"][j]["grade"] = "Z"
    result = _import(fed, _resigned(fed, regraded), "regraded.json")
    assert result.exit_code != 0 and "is not what its credential says" in result.output, result.output
    _nothing_written(fed)

    # The bundle as YRD made it is accepted (the refusals above were the faults'), by five importers at once:
    # every label is written once, by one of them; the others find it there, unchanged.
    reports = together([lambda: _import_now(fed, bundle)] * 5)
    credentials = [x for e in bundle["records"] for x in e.get("labels", []) if "credential" in x]
    assert _count(fed, "ZJ", "partner_label") == len(credentials)
    assert sorted(r.labels for r in reports) == [0, 0, 0, 0, len(credentials)]
    assert fed.rows("ZJ", "SELECT count(*) AS n FROM audit_event WHERE action = 'import'")[0].n == 1


def test_a_label_whose_footprint_the_agreement_does_not_cover_is_never_sent(federation: Federation) -> None:
    fed = federation
    serials = {r.serial for r in fed.rows("YRD", "SELECT serial FROM label WHERE status = 'issued'")}
    assert serials
    engine = fed.engine("YRD")
    with engine.begin() as conn:  # YRD now shares only verified footprints with ZJ: its labels are on published ones
        conn.execute(update(SharingAgreement).where(SharingAgreement.region == Region.ZJ).values(statuses=["verified"]))
    engine.dispose()
    path = fed.export("YRD", "ZJ")
    sent = path.read_text(encoding="utf-8")
    assert not any(serial in sent for serial in serials)
    assert "credential" not in sent
    result = fed.cli("ZJ", "import", str(path))
    assert result.exit_code == 0, result.output
    assert _count(fed, "ZJ", "partner_label") == 0

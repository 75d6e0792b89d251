"""Bundles between three real hubs (ZJ, YRD, GBA) on loopback, through the `cfhub` commands an operator runs.

Every refusal is checked to have written nothing: no imported record and no audit event on the receiver.
Bundles a test needs to be "validly signed but wrong" are re-signed with the sending hub's own identity key
(the test holds its key folder), so only the fault under test can be the reason for the refusal.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.bootstrap import hub_identity
from hub.integrity.proofs import add_proof
from hub.validation import problems
from tests.federation.hubs import Federation

# ZJ document keys of the fields the test agreements grant (tests/federation/hubs.py SHARED_FIELDS).
SHARED_KEYS = [
    "version", "status", "declared_unit", "declared_unit_amount", "total_kgco2e", "fossil_kgco2e",
    "system_boundary", "reference_period_start", "reference_period_end", "geography_country", "product", "stages",
]  # fmt: skip
# Fields every demo footprint holds that the agreements do not grant.
WITHHELD_KEYS = ["product_mass_kg_per_declared_unit", "fossil_carbon_content_kgc", "created_at", "comment"]
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_bytes())
    return loaded


def _write(fed: Federation, bundle: dict[str, Any], name: str) -> Path:
    path = fed.workdir / name
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return path


def _resigned(fed: Federation, region: str, bundle: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in bundle.items() if k != "proof"}
    return hub_identity(fed[region].settings).sign(unsigned, NOW)


def _imported(fed: Federation, region: str) -> dict[str, Any]:
    rows = fed.rows(region, "SELECT * FROM imported_record")
    return {r.iri: r for r in rows}


def _doc(row: Any) -> dict[str, Any]:
    document = row.document
    return json.loads(document) if isinstance(document, str) else dict(document)


def _nothing_written(fed: Federation, region: str) -> None:
    assert fed.rows(region, "SELECT iri FROM imported_record") == []
    assert fed.rows(region, "SELECT id FROM audit_event WHERE action = 'import'") == []


def _refused(fed: Federation, region: str, path: Path) -> str:
    result = fed.cli(region, "import", str(path))
    assert result.exit_code == 1, result.output
    _nothing_written(fed, region)
    return result.output


def test_round_trip_keeps_every_shared_field_and_gives_no_other(federation: Federation) -> None:
    fed = federation
    path = fed.export("ZJ", "YRD")
    bundle = _load(path)
    assert bundle["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert bundle["proof"]["verificationMethod"].startswith(fed["ZJ"].did + "#")
    assert bundle["vocabulary"] == "yrd" and bundle["record_count"] == len(bundle["records"]) > 0
    assert problems("dataset-bundle", bundle) == []
    result = fed.cli("YRD", "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"{bundle['record_count']} new" in result.output
    imported = _imported(fed, "YRD")
    assert set(imported) == {r["@id"] for r in bundle["records"]}
    statuses = dict(fed.rows("ZJ", "SELECT iri, status FROM footprint"))
    assert {statuses[iri] for iri in imported} <= {"published", "verified"}  # the agreement's statuses only
    # The original, as ZJ's regulator reads it (every field), compared field by field with what YRD now holds.
    originals = {
        r.iri: r
        for r in fed.rows(
            "ZJ",
            "SELECT iri, version, status, declared_unit, declared_unit_amount, total_kgco2e, fossil_kgco2e, "
            "system_boundary, geography_country FROM footprint",
        )
    }
    for iri, row in imported.items():
        doc, original = _doc(row), originals[iri]
        for key in ("version", "status", "declared_unit", "system_boundary", "geography_country"):
            assert doc[key] == getattr(original, key), (iri, key)
        for key in ("declared_unit_amount", "total_kgco2e", "fossil_kgco2e"):
            assert doc[key] == pytest.approx(getattr(original, key), rel=1e-9), (iri, key)
        assert {"iri", "category_code"} <= set(doc["product"]) and doc["stages"]
        assert not set(WITHHELD_KEYS) & set(doc), (iri, set(WITHHELD_KEYS) & set(doc))
        assert row.source_hub == fed["ZJ"].did and row.mapping_iri.endswith("zj-to-yrd")
        assert row.onward_transfer in (True, 1)
    sent = json.dumps(bundle["records"], ensure_ascii=False)
    for withheld in ("danweiChanpinZhiliangKg", "huashiTanHanliangKgC", "chuangjianShijian", "beizhu"):
        assert withheld not in sent


def test_the_same_bundle_twice_changes_nothing(federation: Federation) -> None:
    path = federation.export("ZJ", "GBA")
    assert federation.cli("GBA", "import", str(path)).exit_code == 0
    before = _imported(federation, "GBA")
    events = federation.rows("GBA", "SELECT count(*) FROM audit_event")
    again = federation.cli("GBA", "import", str(path))
    assert again.exit_code == 0 and f"0 new, 0 updated, {len(before)} unchanged" in again.output
    assert _imported(federation, "GBA") == before
    assert federation.rows("GBA", "SELECT count(*) FROM audit_event") == events


def test_tampered_bundles_are_refused_and_nothing_is_written(federation: Federation) -> None:
    fed = federation
    original = _load(fed.export("ZJ", "YRD"))
    # one byte of one record changed
    text = json.dumps(original, ensure_ascii=False)
    total = json.dumps(original["records"][3]["data"]["tanZujiTco2e"])
    changed = text.replace(f'"tanZujiTco2e": {total}', f'"tanZujiTco2e": {total[:-1]}{(int(total[-1]) + 1) % 10}', 1)
    assert changed != text and len(changed) == len(text)
    assert "bad_signature" in _refused(fed, "YRD", _write(fed, json.loads(changed), "one-byte.json"))
    # a proof by a key the sender's DID document does not list (though it names the sender's DID)
    unsigned = {k: v for k, v in original.items() if k != "proof"}
    stranger = add_proof(unsigned, Ed25519PrivateKey.generate(), f"{fed['ZJ'].did}#not-a-key-of-zj", NOW)
    assert "unknown_verification_method" in _refused(fed, "YRD", _write(fed, stranger, "stranger.json"))
    # a known key's proof, taken from another bundle
    other = _load(fed.export("ZJ", "YRD"))
    swapped = {**original, "proof": other["proof"]}
    assert "bad_signature" in _refused(fed, "YRD", _write(fed, swapped, "swapped.json"))
    # a bundle for another hub, and one from a hub that is not a peer
    assert "$.audience" in _refused(fed, "YRD", fed.export("ZJ", "GBA"))
    assert fed.cli("YRD", "peers", "remove", "ZJ").exit_code == 0
    assert "is not a known peer" in _refused(fed, "YRD", _write(fed, original, "original.json"))


def test_one_invalid_record_refuses_the_whole_bundle_naming_it(federation: Federation) -> None:
    fed = federation
    bundle = _load(fed.export("ZJ", "YRD"))
    bad = copy.deepcopy(bundle)
    bad["records"][2]["data"]["tanZujiTco2e"] = "lots"
    bad["records"][5]["data"]["xitongBianjie"] = "from the moon"
    path = _write(fed, _resigned(fed, "ZJ", bad), "bad.json")
    out = _refused(fed, "YRD", path)
    assert f"$.records[2] ({bundle['records'][2]['@id']})" in out and "tanZujiTco2e" in out
    assert f"$.records[5] ({bundle['records'][5]['@id']})" in out
    assert "$.records[3]" not in out


def test_an_older_version_never_overwrites_a_newer_one(federation: Federation) -> None:
    fed = federation
    bundle = _load(fed.export("ZJ", "YRD"))
    first = bundle["records"][0]
    newer = copy.deepcopy({**bundle, "records": [first], "record_count": 1})
    newer["records"][0]["provenance"]["version"] = 3
    newer["records"][0]["data"]["banbenHao"] = 3
    newer["records"][0]["data"]["tanZujiTco2e"] = 0.5
    assert fed.cli("YRD", "import", str(_write(fed, _resigned(fed, "ZJ", newer), "v3.json"))).exit_code == 0
    older = fed.cli("YRD", "import", str(_write(fed, bundle, "v1.json")))
    assert older.exit_code == 0 and "1 older than what is here (kept)" in older.output, older.output
    row = _imported(fed, "YRD")[first["@id"]]
    assert row.version == 3 and _doc(row)["total_kgco2e"] == pytest.approx(500.0)


def test_a_successor_marks_the_record_it_supersedes_whichever_arrives_first(federation: Federation) -> None:
    fed = federation
    bundle = _load(fed.export("ZJ", "YRD"))
    old, new = bundle["records"][0], copy.deepcopy(bundle["records"][1])
    new["data"]["qianXuBianhao"] = old["@id"]
    new["provenance"]["supersedes"] = old["@id"]
    successor = _resigned(fed, "ZJ", {**bundle, "records": [new], "record_count": 1})
    assert fed.cli("YRD", "import", str(_write(fed, successor, "successor.json"))).exit_code == 0
    assert fed.cli("YRD", "import", str(_write(fed, bundle, "all.json"))).exit_code == 0
    rows = _imported(fed, "YRD")
    assert rows[old["@id"]].superseded_by_iri == new["@id"]
    assert sum(1 for r in rows.values() if r.superseded_by_iri) == 1

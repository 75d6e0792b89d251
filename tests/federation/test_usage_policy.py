"""The ODRL usage policy travels with the records and the receiving hub enforces it: a record GBA shared with
ZJ under "no onward transfer" never reaches YRD through ZJ's export, and a hand-made bundle that tries to pass
one on anyway is refused by YRD. Where GBA permits onward transfer, the record reaches YRD with its original
provenance and policy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hub.bootstrap import hub_identity
from hub.federation import odrl
from hub.policy.usage import may_transfer_onward
from tests.federation.hubs import Federation

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_bytes())
    return loaded


def _from_gba(bundle: dict[str, Any], fed: Federation) -> list[dict[str, Any]]:
    return [r for r in bundle["records"] if r["provenance"]["source_hub"] == fed["GBA"].did]


def test_no_onward_transfer_record_never_reaches_the_third_hub(federation: Federation) -> None:
    fed = federation
    gba_to_zj = fed.export("GBA", "ZJ")
    assert _load(gba_to_zj)["policies"][0]["prohibition"] == [{"action": "distribute"}]
    assert fed.cli("ZJ", "import", str(gba_to_zj)).exit_code == 0
    gba_records = {r.iri for r in fed.rows("ZJ", "SELECT iri FROM imported_record WHERE onward_transfer = false")}
    assert gba_records
    zj_to_yrd = _load(fed.export("ZJ", "YRD"))
    assert _from_gba(zj_to_yrd, fed) == []
    assert not gba_records & {r["@id"] for r in zj_to_yrd["records"]}
    # ZJ, misbehaving, adds GBA's records to a bundle for YRD anyway: YRD refuses them and writes nothing.
    smuggled = _load(gba_to_zj)
    policy = smuggled["policies"][0]
    forged = {**zj_to_yrd, "records": zj_to_yrd["records"] + smuggled["records"][:1]}
    forged = {**forged, "policies": [*zj_to_yrd["policies"], policy], "record_count": len(forged["records"])}
    forged = hub_identity(fed["ZJ"].settings).sign({k: v for k, v in forged.items() if k != "proof"}, NOW)
    path = fed.workdir / "smuggled.json"
    path.write_text(json.dumps(forged), encoding="utf-8")
    result = fed.cli("YRD", "import", str(path))
    assert result.exit_code == 1 and "prohibits onward transfer" in result.output, result.output
    assert fed.rows("YRD", "SELECT iri FROM imported_record") == []


def test_permitted_onward_transfer_keeps_the_original_source_and_policy(federation: Federation) -> None:
    fed = federation
    fed.set_terms("GBA", "ZJ", onward_transfer=True)
    assert fed.cli("ZJ", "import", str(fed.export("GBA", "ZJ"))).exit_code == 0
    bundle = _load(fed.export("ZJ", "YRD"))
    onward = _from_gba(bundle, fed)
    assert onward and all(r["provenance"]["via"] == [fed["ZJ"].did] for r in onward)
    gba_policy = next(p for p in bundle["policies"] if p["uid"] == onward[0]["policy"])
    assert gba_policy["assigner"] == fed["GBA"].did and gba_policy["assignee"] == fed["ZJ"].did
    result = fed.cli("YRD", "import", str(_save(fed, bundle)))
    assert result.exit_code == 0, result.output
    sources = dict(fed.rows("YRD", "SELECT iri, source_hub FROM imported_record"))
    assert {sources[r["@id"]] for r in onward} == {fed["GBA"].did}


def _save(fed: Federation, bundle: dict[str, Any]) -> Path:
    path = fed.workdir / "zj-to-yrd-onward.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


class _Row:
    def __init__(self, onward_transfer: bool, retain_until: date | None) -> None:
        self.onward_transfer, self.retain_until = onward_transfer, retain_until


def test_may_transfer_onward_needs_permission_and_retention() -> None:
    today = date(2026, 11, 27)
    assert may_transfer_onward(None, today)  # a record of this hub's own
    assert may_transfer_onward(_Row(True, None), today)
    assert may_transfer_onward(_Row(True, today), today)
    assert not may_transfer_onward(_Row(True, date(2026, 11, 26)), today)
    assert not may_transfer_onward(_Row(False, None), today)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p.update(assignee="did:web:other"), "assignee is 'did:web:other'"),
        (lambda p: p.update(permission=[]), "permits no use"),
        (lambda p: p.update(prohibition=[]), "either permit or prohibit distribute"),
        (lambda p: p["permission"].append({"action": "distribute"}), "either permit or prohibit distribute"),
        (lambda p: p["permission"].append({"action": "sell"}), "cannot enforce"),
        (lambda p: p["permission"][0].update(constraint=[]), "needs a recipient isAnyOf constraint"),
        (lambda p: p["obligation"][0]["constraint"][0].update(rightOperand="soon"), "is not a date"),
        (lambda p: p.update(profile="https://example.org/other"), "profile must be"),
    ],
)
def test_policies_the_receiver_cannot_enforce_are_refused(change: Any, reason: str) -> None:
    terms = odrl.UsageTerms(("regulator",), False, date(2027, 1, 1))
    policy = odrl.policy("urn:p", "did:web:gba", "did:web:zj", "Footprint", terms)
    assert odrl.terms_of(policy, "did:web:gba", "did:web:zj") == terms
    change(policy)
    with pytest.raises(odrl.PolicyError, match=reason):
        odrl.terms_of(policy, "did:web:gba", "did:web:zj")

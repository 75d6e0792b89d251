"""What an attacker posts to POST /vc/verify: a credential with one field changed, one signed by another key
under the hub's name, one claiming another issuer, and input built to hurt (not JSON, huge, deep, a graph
whose canonicalisation explodes, a context to fetch). Each is refused with a reason; nothing is fetched."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.integrity.proofs import EDDSA_RDFC_2022, add_proof
from tests.credentials.live import LiveHub

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def unsigned(credential: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in copy.deepcopy(credential).items() if name != "proof"}


def failed(report: dict[str, Any]) -> dict[str, str]:
    return {check["check"]: check["detail"] for check in report["checks"] if not check["ok"]}


@pytest.fixture
def credential(live: LiveHub) -> dict[str, Any]:
    return live.credential(live.serials()[0])


def test_one_field_changed(live: LiveHub, credential: dict[str, Any]) -> None:
    for path, value in [(("carbonLabel", "grade"), "A"), (("carbonLabel", "footprint", "value"), "0.1")]:
        changed = copy.deepcopy(credential)
        node = changed["credentialSubject"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        report = live.verify(changed)
        assert not report["verified"]
        assert "bad_signature" in failed(report)["proof"]
    later = {**credential, "validUntil": "2099-01-01T00:00:00Z"}
    assert "bad_signature" in failed(live.verify(later))["proof"]


def test_proof_by_another_key_under_the_hubs_name(live: LiveHub, credential: dict[str, Any]) -> None:
    method = credential["proof"]["verificationMethod"]
    forged = add_proof(unsigned(credential), Ed25519PrivateKey.generate(), method, NOW, cryptosuite=EDDSA_RDFC_2022)
    assert "bad_signature" in failed(live.verify(forged))["proof"]
    unknown_key = add_proof(
        unsigned(credential),
        Ed25519PrivateKey.generate(),
        f"{live.hub.identity.did}#k-evil",
        NOW,
        cryptosuite=EDDSA_RDFC_2022,
    )
    assert "unknown_verification_method" in failed(live.verify(unknown_key))["proof"]


def test_wrong_issuer(live: LiveHub, credential: dict[str, Any]) -> None:
    """Another DID, properly signed by its own key: not a DID the hub knows. The hub's DID with an outsider's
    method: refused as a key of another DID."""
    evil = "did:web:evil.example"
    theirs = add_proof(
        {**unsigned(credential), "issuer": evil},
        Ed25519PrivateKey.generate(),
        f"{evil}#k",
        NOW,
        cryptosuite=EDDSA_RDFC_2022,
    )
    report = live.verify(theirs)
    assert "not a DID this verifier knows" in failed(report)["proof"]
    assert set(failed(report)) >= {"proof", "status:revocation", "status:suspension"}  # their lists are not ours
    claimed = {**credential, "issuer": evil}
    assert "not a DID this verifier knows" in failed(live.verify(claimed))["proof"]
    borrowed = add_proof(
        unsigned(credential), Ed25519PrivateKey.generate(), f"{evil}#k", NOW, cryptosuite=EDDSA_RDFC_2022
    )
    assert "a key of another DID" in failed(live.verify(borrowed))["proof"]


def test_status_pointing_elsewhere_is_not_fetched(live: LiveHub, credential: dict[str, Any]) -> None:
    moved = copy.deepcopy(credential)
    moved["credentialStatus"][0]["statusListCredential"] = "http://169.254.169.254/latest/meta-data"
    report = live.verify(moved)
    assert "not one this verifier can read" in failed(report)["status:revocation"]
    assert not report["verified"]


def test_bad_input(live: LiveHub, credential: dict[str, Any]) -> None:
    post = live.client.post
    not_json = post("/vc/verify", content=b'{"issuer": ')
    assert not_json.status_code == 400 and not_json.json()["errors"][0]["path"] == "$.issuer"
    nan = post("/vc/verify", content=b'{"validFrom": NaN}')
    assert nan.status_code == 400 and "not a finite number" in nan.text
    huge = post("/vc/verify", content=json.dumps({**credential, "pad": "x" * 70_000}).encode())
    assert huge.status_code == 413
    assert failed(live.verify([credential])) == {"shape": "a credential is one JSON object"}

    deep: dict[str, Any] = {"id": "urn:x:0"}
    for level in range(40):
        deep = {"id": f"urn:x:{level + 1}", "child": deep}
    report = live.verify({**credential, "credentialSubject": deep})
    assert "nests deeper than 16 levels" in failed(report)["shape"]

    # A poison graph: blank nodes RDF canonicalisation cannot tell apart; refused before canonicalisation.
    alike = [{"knows": [{"knows": "x"} for _ in range(4)]} for _ in range(8)]
    report = live.verify({**credential, "credentialSubject": {"id": "urn:x", "knows": alike}})
    assert "nodes without an id" in failed(report)["shape"]

    foreign = {**credential, "@context": [*credential["@context"], "http://127.0.0.1:1/ctx"]}
    assert "Refusing to fetch" in failed(live.verify(foreign))["proof"]
    assert live.verify(credential)["verified"], "the genuine one still verifies"

"""eddsa-jcs-2022 proofs refuse what was not signed, and say why: a changed byte, a key the verifier does
not know, a proof copied onto another document, a key that did not sign, another cryptosuite or purpose.
Keys are generated here, so these tests need no reference files."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.integrity.proofs import Failure, ProofError, add_proof, verify_proof

METHOD = "did:web:zj.cfhub.example.org#key-1"
CREATED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def dataset(name: str = "Zhejiang cement, November") -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://zj.cfhub.example.org/id/bundle/1",
        "name": name,
        "records": [{"id": "https://zj.cfhub.example.org/id/footprint/7", "pcf": 812.5, "unit": "kg"}],
    }


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signed(key: Ed25519PrivateKey) -> dict[str, Any]:
    return add_proof(dataset(), key, METHOD, CREATED)


def test_a_signed_document_verifies(key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    result = verify_proof(signed, {METHOD: key.public_key()}.get)
    assert result.verified and result.failure is None
    assert signed["proof"]["created"] == "2026-11-27T09:00:00Z"


def test_one_changed_byte_of_the_document_fails(key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["records"][0]["pcf"] = 812.6
    result = verify_proof(tampered, {METHOD: key.public_key()}.get)
    assert not result.verified
    assert result.failure is Failure.BAD_SIGNATURE
    assert METHOD in result.reason and "changed after signing" in result.reason


def test_a_changed_proof_option_fails(key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"]["created"] = "2027-01-01T00:00:00Z"
    assert verify_proof(tampered, {METHOD: key.public_key()}.get).failure is Failure.BAD_SIGNATURE


def test_a_proof_by_an_unknown_key_fails(signed: dict[str, Any]) -> None:
    stranger = Ed25519PrivateKey.generate()
    by_stranger = add_proof(dataset(), stranger, "did:web:elsewhere.example#key-9", CREATED)
    result = verify_proof(by_stranger, {METHOD: Ed25519PrivateKey.generate().public_key()}.get)
    assert result.failure is Failure.UNKNOWN_VERIFICATION_METHOD
    assert "did:web:elsewhere.example#key-9" in result.reason


def test_a_proof_naming_a_known_key_but_made_by_another_fails(key: Ed25519PrivateKey) -> None:
    forged = add_proof(dataset(), Ed25519PrivateKey.generate(), METHOD, CREATED)
    assert verify_proof(forged, {METHOD: key.public_key()}.get).failure is Failure.BAD_SIGNATURE


def test_a_proof_copied_onto_another_document_fails(key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    other = {**dataset("Zhejiang steel, November"), "proof": copy.deepcopy(signed["proof"])}
    result = verify_proof(other, {METHOD: key.public_key()}.get)
    assert result.failure is Failure.BAD_SIGNATURE


def test_another_cryptosuite_is_refused_before_any_key_lookup(signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"]["cryptosuite"] = "ecdsa-jcs-2019"
    looked_up: list[str] = []
    result = verify_proof(tampered, lambda method: looked_up.append(method))
    assert result.failure is Failure.UNSUPPORTED_CRYPTOSUITE and "ecdsa-jcs-2019" in result.reason
    assert looked_up == []


def test_another_proof_purpose_is_refused(key: Ed25519PrivateKey) -> None:
    signed = add_proof(dataset(), key, METHOD, CREATED, proof_purpose="authentication")
    result = verify_proof(signed, {METHOD: key.public_key()}.get)
    assert result.failure is Failure.WRONG_PURPOSE
    assert verify_proof(signed, {METHOD: key.public_key()}.get, proof_purpose="authentication").verified


def test_a_proof_context_that_does_not_start_the_document_context_fails(
    key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    tampered = {**copy.deepcopy(signed), "@context": ["https://www.w3.org/ns/credentials/examples/v2"]}
    assert verify_proof(tampered, {METHOD: key.public_key()}.get).failure is Failure.CONTEXT_MISMATCH


@pytest.mark.parametrize(
    ("proof", "failure"),
    [
        (None, Failure.NO_PROOF),
        ([], Failure.MALFORMED_PROOF),
        ({"type": "DataIntegrityProof"}, Failure.MALFORMED_PROOF),
    ],
)
def test_a_missing_or_malformed_proof_is_named(proof: object, failure: Failure) -> None:
    document = dataset() if proof is None else {**dataset(), "proof": proof}
    assert verify_proof(document, lambda method: None).failure is failure


def test_a_proof_value_that_is_not_base58btc_fails(key: Ed25519PrivateKey, signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"]["proofValue"] = "u" + tampered["proof"]["proofValue"][1:]
    assert verify_proof(tampered, {METHOD: key.public_key()}.get).failure is Failure.BAD_SIGNATURE


def test_signing_refuses_a_document_that_already_has_a_proof_or_a_naive_time(
    key: Ed25519PrivateKey, signed: dict[str, Any]
) -> None:
    with pytest.raises(ProofError, match="already has a proof"):
        add_proof(signed, key, METHOD, CREATED)
    with pytest.raises(ProofError, match="timezone-aware"):
        add_proof(dataset(), key, METHOD, datetime(2026, 11, 27))
    with pytest.raises(ProofError, match="unsupported cryptosuite"):
        add_proof(dataset(), key, METHOD, CREATED, cryptosuite="eddsa-2099")

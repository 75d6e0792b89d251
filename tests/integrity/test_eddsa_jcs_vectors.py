"""eddsa-jcs-2022 against the W3C test vectors (Data Integrity EdDSA Cryptosuites v1.0, Appendix): every
intermediate value and the signed credential, byte for byte. The vectors live in the shared reference folder
(CFHUB_SHARED_DIR); the tests skip, saying so, when it is absent."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hub.integrity.multikey import private_key_from_multikey, public_key_from_multikey, public_multikey
from hub.integrity.proofs import CRYPTOSUITES, EDDSA_JCS_2022, add_proof, canonical_json, verify_proof
from tests.conftest import shared_dir

VECTORS = shared_dir() / "reference" / "vc" / "vc-di-eddsa-test-vectors"

pytestmark = pytest.mark.skipif(
    not VECTORS.is_dir(), reason=f"W3C vc-di-eddsa test vectors not found at {VECTORS} (set CFHUB_SHARED_DIR)"
)


def text(name: str) -> str:
    return (VECTORS / EDDSA_JCS_2022 / name).read_text(encoding="utf-8").strip()


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def unsigned() -> dict[str, Any]:
    return load(VECTORS / "unsigned.json")


@pytest.fixture
def key_pair() -> dict[str, str]:
    return load(VECTORS / "keyPair.json")


@pytest.fixture
def proof_config() -> dict[str, Any]:
    return load(VECTORS / EDDSA_JCS_2022 / "proofConfigJCS.json")


def test_key_pair_round_trips(key_pair: dict[str, str]) -> None:
    private = private_key_from_multikey(key_pair["privateKeyMultibase"])
    assert public_multikey(private.public_key()) == key_pair["publicKeyMultibase"]
    assert public_multikey(public_key_from_multikey(key_pair["publicKeyMultibase"])) == key_pair["publicKeyMultibase"]


def test_canonical_document_and_its_hash(unsigned: dict[str, Any]) -> None:
    canonical = canonical_json(unsigned)
    assert canonical.decode("utf-8") == text("canonDocJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == text("docHashJCS.txt")


def test_canonical_proof_configuration_and_its_hash(proof_config: dict[str, Any]) -> None:
    canonical = canonical_json(proof_config)
    assert canonical.decode("utf-8") == text("proofCanonJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == text("proofHashJCS.txt")


def test_combined_hash(unsigned: dict[str, Any], proof_config: dict[str, Any]) -> None:
    assert CRYPTOSUITES[EDDSA_JCS_2022].hash_data(proof_config, unsigned).hex() == text("combinedHashJCS.txt")


def signed_by_us(unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]) -> dict[str, Any]:
    return add_proof(
        unsigned,
        private_key_from_multikey(key_pair["privateKeyMultibase"]),
        verification_method=proof_config["verificationMethod"],
        created=datetime.fromisoformat(proof_config["created"]),
        proof_purpose=proof_config["proofPurpose"],
    )


def test_signature_hex_and_base58(
    unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]
) -> None:
    signed = signed_by_us(unsigned, key_pair, proof_config)
    assert signed["proof"]["proofValue"] == text("sigBTC58JCS.txt")
    private = private_key_from_multikey(key_pair["privateKeyMultibase"])
    signature = private.sign(CRYPTOSUITES[EDDSA_JCS_2022].hash_data(proof_config, unsigned))
    assert signature.hex() == text("sigHexJCS.txt")


def test_signed_credential_is_the_vector_byte_for_byte(
    unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]
) -> None:
    signed = signed_by_us(unsigned, key_pair, proof_config)
    expected = (VECTORS / EDDSA_JCS_2022 / "signedJCS.json").read_text(encoding="utf-8")
    # the vector file is the signed credential written with two-space indentation, members in signing order
    assert json.dumps(signed, indent=2) == expected.rstrip("\n")


def test_the_vector_verifies_with_its_key_only(key_pair: dict[str, str], proof_config: dict[str, Any]) -> None:
    signed = load(VECTORS / EDDSA_JCS_2022 / "signedJCS.json")
    method = proof_config["verificationMethod"]
    public = public_key_from_multikey(key_pair["publicKeyMultibase"])
    result = verify_proof(signed, {method: public}.get)
    assert result.verified, result.reason
    assert result.verification_method == method

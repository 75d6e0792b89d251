"""eddsa-rdfc-2022 against the W3C test vectors (Data Integrity EdDSA Cryptosuites v1.0, Appendix): the canonical
N-Quads of the document and of the proof configuration, their hashes, the signature and the signed credential,
byte for byte; contexts come from the files the hub ships, never the network."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from hub.integrity.contexts import SHIPPED, context_loader
from hub.integrity.multikey import private_key_from_multikey, public_key_from_multikey
from hub.integrity.proofs import (
    CRYPTOSUITES,
    EDDSA_RDFC_2022,
    Failure,
    ProofError,
    add_proof,
    canonical_nquads,
    verify_proof,
)
from tests.conftest import shared_dir

VECTORS = shared_dir() / "reference" / "vc" / "vc-di-eddsa-test-vectors"
REFERENCE_CONTEXTS = shared_dir() / "reference" / "vc" / "contexts"

pytestmark = pytest.mark.skipif(
    not VECTORS.is_dir(), reason=f"W3C vc-di-eddsa test vectors not found at {VECTORS} (set CFHUB_SHARED_DIR)"
)


def text(name: str) -> str:
    return (VECTORS / EDDSA_RDFC_2022 / name).read_text(encoding="utf-8")


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
    return load(VECTORS / EDDSA_RDFC_2022 / "proofConfigDataInt.json")


def test_shipped_w3c_contexts_are_the_reference_files() -> None:
    for name in ("credentials-v2.jsonld", "bitstring-status-list-v1.jsonld"):
        shipped = next(path for path in SHIPPED.values() if path.name == name)
        assert shipped.read_bytes() == (REFERENCE_CONTEXTS / name).read_bytes()


def test_canonical_document_and_its_hash(unsigned: dict[str, Any]) -> None:
    canonical = canonical_nquads(unsigned)
    assert canonical.decode("utf-8") == text("canonDocDataInt.txt")
    assert hashlib.sha256(canonical).hexdigest() == text("docHashDataInt.txt").strip()


def test_canonical_proof_configuration_and_its_hash(proof_config: dict[str, Any]) -> None:
    canonical = canonical_nquads(proof_config)
    assert canonical.decode("utf-8") == text("proofCanonDataInt.txt")
    assert hashlib.sha256(canonical).hexdigest() == text("proofHashDataInt.txt").strip()


def test_combined_hash(unsigned: dict[str, Any], proof_config: dict[str, Any]) -> None:
    combined = CRYPTOSUITES[EDDSA_RDFC_2022].hash_data(proof_config, unsigned)
    assert combined.hex() == text("combinedHashDataInt.txt").strip()


def signed_by_us(unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]) -> dict[str, Any]:
    return add_proof(
        unsigned,
        private_key_from_multikey(key_pair["privateKeyMultibase"]),
        verification_method=proof_config["verificationMethod"],
        created=datetime.fromisoformat(proof_config["created"]),
        proof_purpose=proof_config["proofPurpose"],
        cryptosuite=EDDSA_RDFC_2022,
    )


def test_signature_hex_and_base58(
    unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]
) -> None:
    signed = signed_by_us(unsigned, key_pair, proof_config)
    assert signed["proof"]["proofValue"] == text("sigBTC58DataInt.txt").strip()
    private = private_key_from_multikey(key_pair["privateKeyMultibase"])
    signature = private.sign(CRYPTOSUITES[EDDSA_RDFC_2022].hash_data(proof_config, unsigned))
    assert signature.hex() == text("sigHexDataInt.txt").strip()


def test_signed_credential_is_the_vector(
    unsigned: dict[str, Any], key_pair: dict[str, str], proof_config: dict[str, Any]
) -> None:
    signed = signed_by_us(unsigned, key_pair, proof_config)
    assert signed == load(VECTORS / EDDSA_RDFC_2022 / "signedDataInt.json")


def test_the_vector_verifies_with_its_key_only(key_pair: dict[str, str], proof_config: dict[str, Any]) -> None:
    signed = load(VECTORS / EDDSA_RDFC_2022 / "signedDataInt.json")
    method = proof_config["verificationMethod"]
    public = public_key_from_multikey(key_pair["publicKeyMultibase"])
    assert verify_proof(signed, {method: public}.get).verified
    other = Ed25519PrivateKey.generate().public_key()
    assert verify_proof(signed, {method: other}.get).failure is Failure.BAD_SIGNATURE


def test_a_changed_literal_or_an_added_statement_breaks_the_signature(key_pair: dict[str, str]) -> None:
    signed = load(VECTORS / EDDSA_RDFC_2022 / "signedDataInt.json")
    public = public_key_from_multikey(key_pair["publicKeyMultibase"])
    resolve = {signed["proof"]["verificationMethod"]: public}.get
    changed = {**signed, "credentialSubject": {**signed["credentialSubject"], "alumniOf": "Another School"}}
    assert verify_proof(changed, resolve).failure is Failure.BAD_SIGNATURE
    added = {**signed, "credentialSubject": {**signed["credentialSubject"], "degree": "PhD"}}
    assert verify_proof(added, resolve).failure is Failure.BAD_SIGNATURE


def test_json_formatting_and_member_order_do_not_matter(key_pair: dict[str, str]) -> None:
    """RDF canonicalisation signs the statements, not the JSON: reordered members still verify."""
    signed = load(VECTORS / EDDSA_RDFC_2022 / "signedDataInt.json")
    public = public_key_from_multikey(key_pair["publicKeyMultibase"])
    reordered = dict(reversed(list(signed.items())))
    assert verify_proof(reordered, {signed["proof"]["verificationMethod"]: public}.get).verified


def test_contexts_load_offline_only(unsigned: dict[str, Any], key_pair: dict[str, str]) -> None:
    """A context the hub does not ship is refused, naming the URL; nothing is fetched."""
    foreign = {**unsigned, "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]}
    with pytest.raises(ProofError, match=r"evil\.example"):
        canonical_nquads(foreign)
    private = private_key_from_multikey(key_pair["privateKeyMultibase"])
    with pytest.raises(ProofError, match=r"evil\.example"):
        add_proof(
            foreign,
            private,
            "did:example:x#k",
            datetime.fromisoformat("2023-02-24T23:36:38Z"),
            cryptosuite=EDDSA_RDFC_2022,
        )
    with pytest.raises(JsonLdError, match=r"evil\.example"):
        context_loader("https://evil.example/ctx")


def test_a_protected_term_cannot_be_redefined(unsigned: dict[str, Any]) -> None:
    """The VC 2.0 context is @protected: a later context that changes what a credential is, is refused."""
    evil = {"VerifiableCredential": "https://evil.example/Harmless"}
    redefined = {**unsigned, "@context": [*unsigned["@context"], evil]}
    with pytest.raises(ProofError, match="protected term"):
        canonical_nquads(redefined)

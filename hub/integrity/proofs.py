"""W3C Data Integrity proofs (Data Integrity EdDSA Cryptosuites v1.0) over JSON documents.

`add_proof` signs a document, `verify_proof` checks one and names why it fails. The EdDSA cryptosuites
differ only in how a document and its proof configuration become bytes: `eddsa-jcs-2022` uses RFC 8785
canonical JSON (fast enough for bundles of 100,000 records), `eddsa-rdfc-2022` uses RDF dataset
canonicalisation (RDFC-1.0, pyld's URDNA2015) of the JSON-LD document, its contexts loaded offline
(`hub.integrity.contexts`): it is the suite Verifiable Credentials verifiers elsewhere speak. Both then
hash the two with SHA-256 (proof configuration first) and sign the 64 bytes with Ed25519. So a cryptosuite
is one row of `CRYPTOSUITES` (its name, its transform, and whether the attached proof keeps the @context),
not a branch in the signer or verifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from hub.integrity.contexts import context_loader
from hub.integrity.multikey import MultibaseError, decode_base58btc, encode_base58btc

PROOF_TYPE = "DataIntegrityProof"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"

# The verifier's key lookup: a verification method id (a DID URL) to its public key, None when unknown.
KeyResolver = Callable[[str], Ed25519PublicKey | None]


class ProofError(ValueError):
    """A document that cannot be signed (it already has a proof, or holds values JSON cannot canonicalise)."""


@dataclass(frozen=True)
class Cryptosuite:
    """How one EdDSA cryptosuite turns a JSON document (and a proof configuration) into the bytes it hashes."""

    name: str
    transform: Callable[[Mapping[str, Any]], bytes]
    # eddsa-jcs-2022 copies the document's @context into the proof it attaches; eddsa-rdfc-2022 uses it only in
    # the proof configuration it hashes, and the attached proof goes without.
    proof_carries_context: bool = True

    def hash_data(self, proof_config: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
        """SHA-256 of the proof configuration, then SHA-256 of the document: the 64 bytes Ed25519 signs."""
        return hashlib.sha256(self.transform(proof_config)).digest() + hashlib.sha256(self.transform(document)).digest()


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """RFC 8785 (JCS) canonical JSON: the eddsa-jcs-2022 transform."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        raise ProofError(f"the document cannot be canonicalised as JSON (RFC 8785): {error}") from None


def canonical_nquads(value: Mapping[str, Any]) -> bytes:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document: the eddsa-rdfc-2022 transform.

    Contexts come only from `context_loader` (shipped files, no network). A document that is not valid
    JSON-LD, or names a context the hub does not ship, cannot be signed or verified."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": context_loader}
    try:
        nquads = jsonld.normalize(dict(value), options)
    except jsonld.JsonLdError as error:
        raise ProofError(f"the document cannot be canonicalised as JSON-LD (RDFC-1.0): {_root_cause(error)}") from None
    return str(nquads).encode("utf-8")


def _root_cause(error: BaseException) -> str:
    """pyld wraps the reason (a refused context URL, a protected term redefined) in several layers: the innermost."""
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error.args[0]) if error.args else type(error).__name__


CRYPTOSUITES: Mapping[str, Cryptosuite] = MappingProxyType(
    {
        EDDSA_JCS_2022: Cryptosuite(EDDSA_JCS_2022, canonical_json),
        EDDSA_RDFC_2022: Cryptosuite(EDDSA_RDFC_2022, canonical_nquads, proof_carries_context=False),
    },
)


class Failure(StrEnum):
    """Why a proof does not verify."""

    NO_PROOF = "no_proof"
    MALFORMED_PROOF = "malformed_proof"
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite"
    WRONG_PURPOSE = "wrong_purpose"
    CONTEXT_MISMATCH = "context_mismatch"
    UNKNOWN_VERIFICATION_METHOD = "unknown_verification_method"
    BAD_SIGNATURE = "bad_signature"
    NOT_CANONICALISABLE = "not_canonicalisable"


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify_proof`: verified, or the failure and a sentence naming the reason."""

    verified: bool
    failure: Failure | None = None
    reason: str = ""
    verification_method: str | None = None

    @classmethod
    def refused(cls, failure: Failure, reason: str, verification_method: str | None = None) -> Verification:
        return cls(False, failure, reason, verification_method)


def xsd_datetime(moment: datetime) -> str:
    """`created` as an XML Schema dateTime in UTC to the second (2023-02-24T23:36:38Z)."""
    if moment.utcoffset() is None:
        raise ProofError("created must be a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _proof_config(document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The proof options, with the document's @context when it has one (the cryptosuite's proof configuration)."""
    config = dict(options)
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def add_proof(
    document: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
    cryptosuite: str = EDDSA_JCS_2022,
) -> dict[str, Any]:
    """A copy of `document` with a Data Integrity proof made by `key`, named as `verification_method`."""
    if "proof" in document:
        raise ProofError("the document already has a proof; sign the document without it")
    suite = CRYPTOSUITES.get(cryptosuite)
    if suite is None:
        raise ProofError(f"unsupported cryptosuite {cryptosuite!r}; supported: {', '.join(CRYPTOSUITES)}")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": suite.name,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    config = _proof_config(document, options)
    signature = key.sign(suite.hash_data(config, document))
    proof = config if suite.proof_carries_context else options
    return {**document, "proof": {**proof, "proofValue": encode_base58btc(signature)}}


def verify_proof(
    document: Mapping[str, Any], resolve_key: KeyResolver, proof_purpose: str = ASSERTION_METHOD
) -> Verification:
    """Check the document's proof; never raises for a bad proof, the result names the failure."""
    proof = document.get("proof")
    if proof is None:
        return Verification.refused(Failure.NO_PROOF, "the document has no proof")
    if not isinstance(proof, Mapping):
        return Verification.refused(Failure.MALFORMED_PROOF, "proof must be one JSON object")
    method = proof.get("verificationMethod")
    shape = _check_shape(proof, proof_purpose)
    if shape is not None:
        return Verification.refused(*shape, verification_method=method if isinstance(method, str) else None)
    assert isinstance(method, str)  # _check_shape says so
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options:
        if not _starts_with(unsecured.get("@context"), options["@context"]):
            reason = "the proof's @context is not the start of the document's @context"
            return Verification.refused(Failure.CONTEXT_MISMATCH, reason, method)
        unsecured["@context"] = options["@context"]
    suite = CRYPTOSUITES[proof["cryptosuite"]]
    if not suite.proof_carries_context and "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    key = resolve_key(method)
    if key is None:
        return Verification.refused(Failure.UNKNOWN_VERIFICATION_METHOD, f"no known key for {method}", method)
    try:
        hash_data = suite.hash_data(options, unsecured)
    except ProofError as error:  # e.g. a context the hub does not ship: say so, not "bad signature"
        return Verification.refused(Failure.NOT_CANONICALISABLE, str(error), method)
    try:
        key.verify(decode_base58btc(proof["proofValue"]), hash_data)
    except (MultibaseError, InvalidSignature):
        reason = f"the signature does not verify with the key of {method}: the document or its proof was changed "
        reason += "after signing, or another key signed it"
        return Verification.refused(Failure.BAD_SIGNATURE, reason, method)
    return Verification(True, verification_method=method)


def _check_shape(proof: Mapping[str, Any], proof_purpose: str) -> tuple[Failure, str] | None:
    for name in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            return Failure.MALFORMED_PROOF, f"proof.{name} must be a string"
    if proof["type"] != PROOF_TYPE:
        return Failure.MALFORMED_PROOF, f"proof.type must be {PROOF_TYPE}, not {proof['type']!r}"
    if proof["cryptosuite"] not in CRYPTOSUITES:
        supported = ", ".join(CRYPTOSUITES)
        return Failure.UNSUPPORTED_CRYPTOSUITE, f"cryptosuite {proof['cryptosuite']!r} is not one of: {supported}"
    if proof["proofPurpose"] != proof_purpose:
        return Failure.WRONG_PURPOSE, f"proofPurpose is {proof['proofPurpose']!r}, expected {proof_purpose!r}"
    return None


def _starts_with(document_context: object, proof_context: object) -> bool:
    as_list = [document_context] if not isinstance(document_context, list) else document_context
    prefix = [proof_context] if not isinstance(proof_context, list) else proof_context
    return as_list[: len(prefix)] == prefix

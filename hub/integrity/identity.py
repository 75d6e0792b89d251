"""The hub's signing identity: Ed25519 keys in `Settings.key_dir / "hub-identity"`, a did:web DID derived from
`Settings.public_base_url`, and the DID document served at `/.well-known/did.json`.

The keys rotate like the token keys (the same `KeyRing`, another folder): the newest signs, and every key
still in the folder is listed in the DID document under `assertionMethod`, so a bundle or credential signed
before a rotation still verifies against the document a peer fetches later. Retiring a key (deleting its
file) ends that on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hub.auth.keys import KeyRing
from hub.integrity.multikey import MultibaseError, public_key_from_multikey, public_multikey
from hub.integrity.proofs import EDDSA_JCS_2022, KeyResolver, add_proof

IDENTITY_FOLDER = "hub-identity"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


class DidError(ValueError):
    """A public base URL that names no did:web, or a DID document that cannot be read; the message says why."""


def did_web(public_base_url: str) -> str:
    """The did:web of a hub served at an origin: https://zj.example.org:8443 -> did:web:zj.example.org%3A8443.

    Only an origin is accepted: the document is served at /.well-known/did.json, which is where did:web
    looks for a DID without a path."""
    parts = urlsplit(public_base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DidError(f"CFHUB_PUBLIC_BASE_URL must be an http(s) URL with a host, not {public_base_url!r}")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise DidError(
            f"CFHUB_PUBLIC_BASE_URL must be an origin (scheme://host[:port]) without user, path, query or fragment, "
            f"not {public_base_url!r}"
        )
    return "did:web:" + quote(parts.netloc.lower(), safe="")


class HubIdentity:
    """Signs documents as this hub and publishes the keys that verify them."""

    def __init__(self, ring: KeyRing, did: str) -> None:
        self.ring = ring
        self.did = did

    def method_id(self, kid: str) -> str:
        return f"{self.did}#{kid}"

    def sign(self, document: Mapping[str, Any], created: datetime, cryptosuite: str = EDDSA_JCS_2022) -> dict[str, Any]:
        """`document` with a proof by the current key (`created`: the hub clock's now); eddsa-jcs-2022 for
        bundles, eddsa-rdfc-2022 for Verifiable Credentials."""
        key = self.ring.current()
        return add_proof(document, key.private, self.method_id(key.kid), created, cryptosuite=cryptosuite)

    def did_document(self) -> dict[str, Any]:
        self.ring.current()  # first run: generate the first key before listing
        in_ring = self.ring.keys()
        methods = [
            {
                "id": self.method_id(key.kid),
                "type": "Multikey",
                "controller": self.did,
                "publicKeyMultibase": public_multikey(key.public),
            }
            for key in in_ring
        ]
        return {
            "@context": DID_CONTEXT,
            "id": self.did,
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods],
        }

    def resolve_key(self, method: str) -> Ed25519PublicKey | None:
        """This hub's own key for a verification method id; None for another DID or a retired key."""
        did, _, kid = method.partition("#")
        key = self.ring.get(kid) if did == self.did and kid else None
        return key.public if key else None


def key_resolver(document: Mapping[str, Any]) -> KeyResolver:
    """The assertion keys of a fetched DID document, as a resolver for `verify_proof`.

    Only Multikey methods the document's own DID controls and names under `assertionMethod` resolve: a key
    listed for another purpose, or controlled by someone else, does not vouch for this hub's data."""
    did = document.get("id")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise DidError("the DID document has no DID as its id")
    assertion = {_absolute(did, ref) for ref in document.get("assertionMethod", []) if isinstance(ref, str)}
    keys: dict[str, Ed25519PublicKey] = {}
    for method in document.get("verificationMethod", []):
        if not isinstance(method, Mapping) or not isinstance(method.get("id"), str):
            raise DidError("every verificationMethod of the DID document needs an id")
        method_id = _absolute(did, method["id"])
        if method_id not in assertion or method.get("type") != "Multikey" or method.get("controller") != did:
            continue
        try:
            keys[method_id] = public_key_from_multikey(str(method.get("publicKeyMultibase", "")))
        except (MultibaseError, ValueError) as error:
            reason = f"verificationMethod {method_id}: publicKeyMultibase is not an Ed25519 key: {error}"
            raise DidError(reason) from None
    return keys.get


def _absolute(did: str, ref: str) -> str:
    return did + ref if ref.startswith("#") else ref

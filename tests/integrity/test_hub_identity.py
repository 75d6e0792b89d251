"""The hub's signing identity over real HTTP: the did:web document at /.well-known/did.json lists the current
key, keeps listing older keys after a rotation (so their signatures stay verifiable), and a proof the hub
makes verifies against a key resolved from the document a peer would fetch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.integrity.identity import DidError, did_web, key_resolver
from hub.integrity.multikey import public_multikey
from hub.integrity.proofs import Failure, verify_proof
from tests.api.live import LiveServer

PUBLIC = "https://zj.cfhub.example.org:8443"
DID = "did:web:zj.cfhub.example.org%3A8443"
SIGNED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Hub, httpx.Client]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hub.db'}", key_dir=tmp_path / "keys", public_base_url=PUBLIC
    )
    hub = open_hub(settings)
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield hub, client


def fetch(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/did+json")
    document: dict[str, Any] = response.json()
    return document


def multikeys(document: dict[str, Any]) -> dict[str, str]:
    return {method["id"]: method["publicKeyMultibase"] for method in document["verificationMethod"]}


def test_the_did_document_lists_the_current_key(served: tuple[Hub, httpx.Client]) -> None:
    hub, client = served
    document = fetch(client)
    current = hub.identity.ring.current()
    assert document["id"] == DID
    assert multikeys(document) == {f"{DID}#{current.kid}": public_multikey(current.public)}
    assert document["assertionMethod"] == [f"{DID}#{current.kid}"]
    assert all(m["type"] == "Multikey" and m["controller"] == DID for m in document["verificationMethod"])
    assert multikeys(document)[f"{DID}#{current.kid}"].startswith("z6Mk")  # ed25519-pub multicodec, base58btc


def test_the_identity_is_not_the_token_signing_key(served: tuple[Hub, httpx.Client]) -> None:
    hub, client = served
    published = set(multikeys(fetch(client)).values())
    assert public_multikey(hub.tokens.keys.current().public) not in published


def test_after_a_rotation_old_and_new_keys_are_listed_and_old_proofs_still_verify(
    served: tuple[Hub, httpx.Client],
) -> None:
    hub, client = served
    before = hub.identity.sign({"id": "urn:example:bundle:1", "records": []}, SIGNED_AT)
    old = hub.identity.ring.current()
    new = hub.identity.ring.rotate()
    document = fetch(client)
    assert set(multikeys(document)) == {f"{DID}#{old.kid}", f"{DID}#{new.kid}"}
    assert set(document["assertionMethod"]) == set(multikeys(document))
    after = hub.identity.sign({"id": "urn:example:bundle:2", "records": []}, SIGNED_AT)
    assert after["proof"]["verificationMethod"] == f"{DID}#{new.kid}"
    resolve = key_resolver(document)
    assert verify_proof(before, resolve).verified
    assert verify_proof(after, resolve).verified


def test_a_hub_proof_verifies_against_the_served_document_only(served: tuple[Hub, httpx.Client]) -> None:
    hub, client = served
    bundle = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:example:bundle:3", "records": [1, 2]}
    signed = hub.identity.sign(bundle, SIGNED_AT)
    resolve = key_resolver(fetch(client))
    result = verify_proof(signed, resolve)
    assert result.verified, result.reason
    assert result.verification_method is not None and result.verification_method.startswith(f"{DID}#")
    assert verify_proof({**signed, "records": [1, 2, 3]}, resolve).failure is Failure.BAD_SIGNATURE
    retired = hub.identity.ring.current().kid
    hub.identity.ring.rotate()
    hub.identity.ring.retire(retired)
    assert verify_proof(signed, key_resolver(fetch(client))).failure is Failure.UNKNOWN_VERIFICATION_METHOD


def test_keys_listed_for_another_purpose_or_controller_do_not_resolve(served: tuple[Hub, httpx.Client]) -> None:
    hub, client = served
    document = fetch(client)
    signed = hub.identity.sign({"id": "urn:example:bundle:4"}, SIGNED_AT)
    assert verify_proof(signed, key_resolver({**document, "assertionMethod": []})).failure is (
        Failure.UNKNOWN_VERIFICATION_METHOD
    )
    foreign = [{**m, "controller": "did:web:elsewhere.example"} for m in document["verificationMethod"]]
    assert verify_proof(signed, key_resolver({**document, "verificationMethod": foreign})).failure is (
        Failure.UNKNOWN_VERIFICATION_METHOD
    )


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://ZJ.cfhub.example.org/", "did:web:zj.cfhub.example.org"),
    ],
)
def test_did_web_is_derived_from_the_public_base_url(url: str, did: str) -> None:
    assert did_web(url) == did


@pytest.mark.parametrize("url", ["zj.cfhub.example.org", "ftp://zj.example.org", "https://zj.example.org/hub"])
def test_a_public_base_url_that_names_no_did_web_stops_the_start(tmp_path: Path, url: str) -> None:
    with pytest.raises(DidError, match="CFHUB_PUBLIC_BASE_URL"):
        open_hub(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_dir=tmp_path, public_base_url=url))


def test_the_public_base_url_comes_from_the_environment() -> None:
    assert Settings.from_env({"CFHUB_PUBLIC_BASE_URL": PUBLIC}).public_base_url == PUBLIC
    assert Settings.from_env({}).public_base_url == "http://127.0.0.1:8000"

"""Bearer tokens: what verifies, and every way a token is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from hub.auth.keys import KeyRing
from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken, TokenService

ISSUER = "https://zj.cfhub.example.org/id/"
AUDIENCE = ISSUER + "api"
ALICE = Principal(Role.ENTERPRISE, ISSUER + "org/zj-battery", "ZJ")


def service(tmp_path: Path, audience: str = AUDIENCE, folder: str = "keys") -> TokenService:
    return TokenService(KeyRing(tmp_path / folder), ISSUER, audience)


def test_a_token_round_trips_to_its_principal(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    assert tokens.verify(tokens.issue(ALICE)) == ALICE


def test_keys_are_generated_at_first_use_and_private_to_the_owner(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    key = ring.current()
    path = ring.folder / f"{key.kid}.pem"
    assert path.stat().st_mode & 0o077 == 0
    assert KeyRing(tmp_path / "keys").current().kid == key.kid  # loaded, not regenerated


def test_expired_token_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    old = tokens.issue(ALICE, ttl=timedelta(minutes=5), now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(old)


def test_tampered_token_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    header, payload, signature = tokens.issue(ALICE).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "regulator"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken, match="invalid"):
        tokens.verify(f"{header}.{forged}.{signature}")


def test_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    other = service(tmp_path, audience="https://gba.example.org/api")
    with pytest.raises(InvalidToken, match="audience"):
        service(tmp_path).verify(other.issue(ALICE))


def test_token_signed_by_a_key_the_hub_does_not_hold_is_refused(tmp_path: Path) -> None:
    stranger = service(tmp_path, folder="stranger-keys")
    with pytest.raises(InvalidToken, match="unknown kid"):
        service(tmp_path).verify(stranger.issue(ALICE))


def test_token_signed_by_another_key_under_our_kid_is_refused(tmp_path: Path) -> None:
    ours, stranger = service(tmp_path), service(tmp_path, folder="stranger-keys")
    kid = ours.keys.current().kid
    claims = jwt.decode(ours.issue(ALICE), options={"verify_signature": False})
    forged = jwt.encode(claims, stranger.keys.current().private, algorithm="EdDSA", headers={"kid": kid})
    with pytest.raises(InvalidToken, match="invalid"):
        ours.verify(forged)


def test_unsigned_token_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    claims = jwt.decode(tokens.issue(ALICE), options={"verify_signature": False})
    none = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(InvalidToken, match="algorithm"):
        tokens.verify(none)


def test_rotation_keeps_old_tokens_valid_until_the_key_is_retired(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    old_kid = tokens.keys.current().kid
    before = tokens.issue(ALICE)
    new = tokens.keys.rotate()
    after = tokens.issue(ALICE)
    assert jwt.get_unverified_header(after)["kid"] == new.kid != old_kid
    assert {k["kid"] for k in tokens.keys.jwks()["keys"]} == {old_kid, new.kid}
    assert tokens.verify(before) == ALICE
    tokens.keys.retire(old_kid)
    with pytest.raises(InvalidToken):
        tokens.verify(before)
    assert tokens.verify(after) == ALICE


def test_the_public_role_gets_no_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="public"):
        service(tmp_path).issue(Principal(Role.PUBLIC))

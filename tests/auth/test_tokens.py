"""Bearer tokens: what verifies, and every way a token is refused, at exact times on an injected clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from hub.auth.keys import KeyRing, KeyRingError
from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken, TokenService

ISSUER = "https://zj.cfhub.example.org/id/"
AUDIENCE = ISSUER + "api"
ALICE = Principal(Role.ENTERPRISE, ISSUER + "org/zj-battery", "ZJ")
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def service(tmp_path: Path, audience: str = AUDIENCE, folder: str = "keys", issuer: str = ISSUER) -> TokenService:
    return TokenService(KeyRing(tmp_path / folder), issuer, audience, clock=lambda: NOW)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_token_round_trips_to_its_principal(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    assert tokens.verify(tokens.issue(ALICE)) == ALICE


def test_a_client_token_carries_its_client_id(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    platform = Principal(Role.REGIONAL_PLATFORM, ISSUER + "org/yrd-platform", "YRD", client_id="yrd-platform-1a2b")
    token = tokens.issue(platform)
    assert _claims(token)["client_id"] == "yrd-platform-1a2b"
    assert tokens.verify(token) == platform


def test_keys_are_generated_at_first_use_and_private_to_the_owner(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    key = ring.current()
    path = ring.folder / f"{key.kid}.pem"
    assert path.stat().st_mode & 0o077 == 0
    assert KeyRing(tmp_path / "keys").current().kid == key.kid  # loaded, not regenerated


def test_issued_times_are_exact(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    claims = _claims(tokens.issue(ALICE, ttl=timedelta(seconds=300)))
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (
        int(NOW.timestamp()),
        int(NOW.timestamp()),
        int(NOW.timestamp()) + 300,
    )


def test_expiry_holds_to_the_second_with_a_five_second_leeway(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    token = tokens.issue(ALICE, ttl=timedelta(seconds=300))
    expiry = NOW + timedelta(seconds=300)
    assert tokens.verify(token, now=expiry - timedelta(seconds=1)) == ALICE
    assert tokens.verify(token, now=expiry + timedelta(seconds=4)) == ALICE  # inside the leeway
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token, now=expiry + timedelta(seconds=5))  # the leeway's edge
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token, now=expiry + timedelta(minutes=30))


def test_a_token_from_the_future_is_refused_beyond_the_leeway(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    token = tokens.issue(ALICE, ttl=timedelta(seconds=300), now=NOW + timedelta(seconds=5))
    assert tokens.verify(token, now=NOW) == ALICE  # iat - 5 s: the edge, still valid
    with pytest.raises(InvalidToken, match="not valid yet"):
        tokens.verify(token, now=NOW - timedelta(seconds=1))


@pytest.mark.parametrize("seconds", [-100, 0, 59, 86_401, 10 * 365 * 86_400])
def test_issued_lifetimes_are_bounded(tmp_path: Path, seconds: int) -> None:
    with pytest.raises(ValueError, match="between 60 and 86400 seconds"):
        service(tmp_path).issue(ALICE, ttl=timedelta(seconds=seconds))


@pytest.mark.parametrize("seconds", [60, 86_400])
def test_the_lifetime_bounds_are_inclusive(tmp_path: Path, seconds: int) -> None:
    tokens = service(tmp_path)
    assert tokens.verify(tokens.issue(ALICE, ttl=timedelta(seconds=seconds))) == ALICE


def test_a_configured_lifetime_out_of_bounds_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CFHUB_TOKEN_TTL_SECONDS"):
        TokenService(KeyRing(tmp_path / "keys"), ISSUER, AUDIENCE, ttl=timedelta(days=3650))


def test_a_ten_year_token_signed_with_our_key_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    key = tokens.keys.current()
    claims = _claims(tokens.issue(ALICE)) | {"exp": int((NOW + timedelta(days=3650)).timestamp())}
    forged = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    with pytest.raises(InvalidToken, match="lifetime exceeds 86400"):
        tokens.verify(forged)


def test_tampered_token_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    header, payload, signature = tokens.issue(ALICE).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "regulator"
    forged = _b64(json.dumps(claims).encode())
    with pytest.raises(InvalidToken, match="invalid"):
        tokens.verify(f"{header}.{forged}.{signature}")


def test_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    other = service(tmp_path, audience="https://gba.example.org/api")
    with pytest.raises(InvalidToken, match="audience"):
        service(tmp_path).verify(other.issue(ALICE))


def test_token_from_another_issuer_is_refused(tmp_path: Path) -> None:
    other = service(tmp_path, issuer="https://gba.cfhub.example.org/id/")
    with pytest.raises(InvalidToken, match="issuer"):
        service(tmp_path).verify(other.issue(ALICE))


def test_token_of_another_hub_is_refused_by_a_ring_that_holds_keys(tmp_path: Path) -> None:
    ours, stranger = service(tmp_path), service(tmp_path, folder="stranger-keys")
    ours.keys.current()
    assert len(ours.keys.keys()) == 1  # not an empty ring: the kid is looked up and not found
    with pytest.raises(InvalidToken, match="unknown kid"):
        ours.verify(stranger.issue(ALICE))


def test_token_signed_by_another_hubs_key_under_our_kid_is_refused(tmp_path: Path) -> None:
    ours, stranger = service(tmp_path), service(tmp_path, folder="stranger-keys")
    kid = ours.keys.current().kid
    claims = _claims(ours.issue(ALICE))
    forged = jwt.encode(claims, stranger.keys.current().private, algorithm="EdDSA", headers={"kid": kid})
    with pytest.raises(InvalidToken, match="invalid"):
        ours.verify(forged)


def test_unsigned_token_is_refused(tmp_path: Path) -> None:
    tokens = service(tmp_path)
    claims = _claims(tokens.issue(ALICE))
    none = jwt.encode(claims, key="", algorithm="none", headers={"kid": tokens.keys.current().kid})
    with pytest.raises(InvalidToken, match="algorithm must be EdDSA"):
        tokens.verify(none)


def test_hs256_signed_with_our_public_key_as_secret_is_refused(tmp_path: Path) -> None:
    """The classic algorithm confusion: the public key (published in the JWKS) used as an HMAC secret."""
    tokens = service(tmp_path)
    key = tokens.keys.current()
    secret = key.public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
    body = _b64(json.dumps(_claims(tokens.issue(ALICE))).encode())
    mac = _b64(hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
    with pytest.raises(InvalidToken, match="algorithm must be EdDSA"):
        tokens.verify(f"{head}.{body}.{mac}")


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
    with pytest.raises(InvalidToken, match="unknown kid"):
        tokens.verify(before)
    assert tokens.verify(after) == ALICE


def test_another_ring_on_the_same_folder_sees_rotation_and_retirement(tmp_path: Path) -> None:
    """The server's ring and the CLI's are two objects (two processes) on one folder."""
    server, cli = KeyRing(tmp_path / "keys"), KeyRing(tmp_path / "keys")
    first = server.current()
    second = cli.rotate()
    assert server.current().kid == second.kid
    cli.retire(first.kid)
    assert server.get(first.kid) is None and server.kids() == [second.kid]


def test_the_current_key_and_unknown_keys_cannot_be_retired(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    only = ring.current()
    with pytest.raises(KeyRingError, match="current signing key"):
        ring.retire(only.kid)
    with pytest.raises(KeyRingError, match="no signing key"):
        ring.retire("../../etc/passwd")
    assert ring.kids() == [only.kid]


def test_the_public_role_gets_no_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="public"):
        service(tmp_path).issue(Principal(Role.PUBLIC))

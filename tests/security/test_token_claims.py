"""What a bearer token must carry to be accepted: the hub's issuer and audience, every required claim, a
role other than public; and what an issued token carries (its scopes, times). Tokens are signed with the
hub's own current key, so only the claim under test is wrong. (Margins, leeway and key rotation are
tested in tests/auth/.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken, TokenService
from hub.bootstrap import token_service
from hub.config import Settings

ORG = "https://zj.cfhub.example.org/id/org/zj-battery"


@pytest.fixture
def tokens(tmp_path: Path) -> Iterator[TokenService]:
    yield token_service(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_dir=tmp_path / "keys"))


def signed(tokens: TokenService, claims: dict[str, Any]) -> str:
    key = tokens.keys.current()
    return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})


def good_claims(tokens: TokenService) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    return {
        "iss": tokens.issuer,
        "aud": tokens.audience,
        "sub": ORG,
        "role": "enterprise",
        "region": "ZJ",
        "iat": now,
        "exp": now + 600,
    }


def test_a_well_formed_token_verifies(tokens: TokenService) -> None:
    assert tokens.verify(signed(tokens, good_claims(tokens))) == Principal(Role.ENTERPRISE, ORG, "ZJ")


def test_another_issuer_is_refused(tokens: TokenService) -> None:
    with pytest.raises(InvalidToken, match=r"^token is not from this issuer \(https://zj\.cfhub\.example\.org/id/\)$"):
        tokens.verify(signed(tokens, {**good_claims(tokens), "iss": "https://elsewhere.example.org/"}))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "aud", "iss"])
def test_each_required_claim_must_be_present(tokens: TokenService, claim: str) -> None:
    claims = {k: v for k, v in good_claims(tokens).items() if k != claim}
    with pytest.raises(InvalidToken, match=f'"{claim}"'):
        tokens.verify(signed(tokens, claims))


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("janitor", "token names an unknown role: 'janitor'"),
        (None, "token names an unknown role: None"),
        ("public", "a token cannot carry the public role"),
    ],
)
def test_the_role_must_be_a_known_authenticated_one(tokens: TokenService, role: str | None, message: str) -> None:
    with pytest.raises(InvalidToken) as info:
        tokens.verify(signed(tokens, {**good_claims(tokens), "role": role}))
    assert str(info.value) == message


def test_refusals_say_why(tokens: TokenService) -> None:
    expired = {**good_claims(tokens), "exp": int(datetime.now(UTC).timestamp()) - 3600}
    unknown_kid = jwt.encode(
        good_claims(tokens), tokens.keys.current().private, algorithm="EdDSA", headers={"kid": "x"}
    )
    for token, message in (
        (signed(tokens, expired), "token has expired"),
        (unknown_kid, "token is signed with a key this hub does not hold (unknown kid)"),
        ("not-a-token", "malformed token: Not enough segments"),
    ):
        with pytest.raises(InvalidToken) as info:
            tokens.verify(token)
        assert str(info.value) == message


def test_a_token_without_a_kid_is_refused(tokens: TokenService) -> None:
    token = jwt.encode(good_claims(tokens), tokens.keys.current().private, algorithm="EdDSA")
    with pytest.raises(InvalidToken, match=r"\(unknown kid\)$"):
        tokens.verify(token)


def test_an_issued_token_carries_its_scopes_and_times(tokens: TokenService) -> None:
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    principal = Principal(Role.REGIONAL_PLATFORM, ORG, "YRD", frozenset({"read:b", "read:a"}))
    token = tokens.issue(principal, ttl=timedelta(minutes=5), now=now)
    claims = jwt.decode(token, options={"verify_signature": False})
    stamp = int(now.timestamp())
    assert claims["scope"] == "read:a read:b"
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (stamp, stamp, stamp + 300)
    assert (claims["iss"], claims["aud"], claims["sub"], claims["role"]) == (
        tokens.issuer,
        tokens.audience,
        ORG,
        "regional_platform",
    )


def test_scopes_survive_the_round_trip(tokens: TokenService) -> None:
    principal = Principal(Role.REGIONAL_PLATFORM, ORG, "YRD", frozenset({"read:b", "read:a"}))
    assert tokens.verify(tokens.issue(principal)) == principal
    assert tokens.verify(signed(tokens, good_claims(tokens))).scopes == frozenset()


def test_issue_refuses_a_caller_without_an_organization(tokens: TokenService) -> None:
    for principal in (Principal(Role.PUBLIC), Principal(Role.ENTERPRISE)):
        with pytest.raises(ValueError, match=r"^tokens are issued to organizations; the public role needs none$"):
            tokens.issue(principal)


def test_a_token_issued_without_a_given_time_is_valid_now(tokens: TokenService) -> None:
    claims = jwt.decode(tokens.issue(Principal(Role.ENTERPRISE, ORG, "ZJ")), options={"verify_signature": False})
    assert abs(claims["iat"] - datetime.now(UTC).timestamp()) < 120


def test_a_token_just_past_its_expiry_is_within_the_leeway(tokens: TokenService) -> None:
    """Clocks differ by seconds: 5 s of leeway (tests/auth pins the margins on both sides)."""
    now = datetime.now(UTC)
    exp = int(now.timestamp())
    assert tokens.verify(signed(tokens, {**good_claims(tokens), "exp": exp - 3}), now=now).org_iri == ORG
    with pytest.raises(InvalidToken, match=r"^token has expired$"):
        tokens.verify(signed(tokens, {**good_claims(tokens), "exp": exp - 6}), now=now)


def test_a_token_is_not_valid_before_its_nbf(tokens: TokenService) -> None:
    """`nbf` later than `iat` holds on its own: refused until nbf - leeway, accepted from then on."""
    now = datetime.now(UTC)
    stamp = int(now.timestamp())
    claims = {**good_claims(tokens), "iat": stamp, "nbf": stamp + 60, "exp": stamp + 600}
    with pytest.raises(InvalidToken, match=r"^token is not valid yet$"):
        tokens.verify(signed(tokens, claims), now=now + timedelta(seconds=54))
    assert tokens.verify(signed(tokens, claims), now=now + timedelta(seconds=56)).org_iri == ORG


def test_a_non_integer_nbf_is_refused(tokens: TokenService) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify(signed(tokens, {**good_claims(tokens), "nbf": "soon"}))

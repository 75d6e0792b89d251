"""Bearer tokens: JWTs signed with the key ring's current Ed25519 key, checked against every key it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from hub.auth.keys import ALGORITHM, KeyRing
from hub.auth.principal import Principal, Role


class InvalidToken(Exception):
    """A token that proves nothing: the reason says why, for the 401 response."""


@dataclass
class TokenService:
    keys: KeyRing
    issuer: str
    audience: str
    ttl: timedelta = timedelta(hours=1)
    leeway: timedelta = timedelta(seconds=30)

    def issue(self, principal: Principal, ttl: timedelta | None = None, now: datetime | None = None) -> str:
        if not principal.authenticated or principal.org_iri is None:
            raise ValueError("tokens are issued to organizations; the public role needs none")
        now = now or datetime.now(UTC)
        key = self.keys.current()
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.org_iri,
            "role": principal.role.value,
            "region": principal.region,
            "scope": " ".join(sorted(principal.scopes)),
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + (ttl or self.ttl)).timestamp()),
        }
        return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"token algorithm must be {ALGORITHM}")
        key = self.keys.get(str(header.get("kid", "")))
        if key is None:
            raise InvalidToken("token is signed with a key this hub does not hold (unknown kid)")
        try:
            claims = jwt.decode(
                token,
                key.public,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token has expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken(f"token is not for this audience ({self.audience})") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token is invalid: {exc}") from None
        try:
            role = Role(claims.get("role"))
        except ValueError:
            raise InvalidToken(f"token names an unknown role: {claims.get('role')!r}") from None
        if role is Role.PUBLIC:
            raise InvalidToken("a token cannot carry the public role")
        scopes = frozenset(str(claims.get("scope") or "").split())
        return Principal(role, org_iri=claims["sub"], region=claims.get("region"), scopes=scopes)

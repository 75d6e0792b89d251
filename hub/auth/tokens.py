"""Bearer tokens: JWTs signed with the key ring's current Ed25519 key, checked against every key it holds.

Times are checked here against an injectable clock (PyJWT reads the system clock), so tests pin exact
expiry and the leeway edge. A token's lifetime is bounded both when it is issued and when it is verified.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from hub.auth.keys import ALGORITHM, KeyRing
from hub.auth.principal import Principal, Role

MIN_TTL = timedelta(seconds=60)
MAX_TTL = timedelta(hours=24)
# Clock skew tolerated between this hub and the clocks that judge its tokens: a few seconds, no more.
LEEWAY = timedelta(seconds=5)

Clock = Callable[[], datetime]
Revoked = Callable[[str], Awaitable[bool]]


class InvalidToken(Exception):
    """A token that proves nothing: the reason says why, for the 401 response."""


def check_ttl(ttl: timedelta, name: str = "ttl") -> timedelta:
    """Refuse lifetimes outside [MIN_TTL, MAX_TTL]: an expired-at-birth token or a ten-year one is a mistake."""
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise ValueError(
            f"{name} must be between {int(MIN_TTL.total_seconds())} and {int(MAX_TTL.total_seconds())} seconds, "
            f"not {int(ttl.total_seconds())}"
        )
    return ttl


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class TokenService:
    keys: KeyRing
    issuer: str
    audience: str
    ttl: timedelta = timedelta(hours=1)
    leeway: timedelta = LEEWAY
    clock: Clock = _utcnow
    # Whether a client id is revoked (or unknown); wired by `open_hub` to the database. None: no client checks.
    revoked: Revoked | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_ttl(self.ttl, "the token lifetime (CFHUB_TOKEN_TTL_SECONDS)")

    def issue(
        self,
        principal: Principal,
        ttl: timedelta | None = None,
        now: datetime | None = None,
    ) -> str:
        if not principal.authenticated or principal.org_iri is None:
            raise ValueError("tokens are issued to organizations; the public role needs none")
        lifetime = check_ttl(self.ttl if ttl is None else ttl)
        now = now or self.clock()
        key = self.keys.current()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.org_iri,
            "role": principal.role.value,
            "region": principal.region,
            "scope": " ".join(sorted(principal.scopes)),
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
        }
        if principal.client_id is not None:
            claims["client_id"] = principal.client_id
        return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str, now: datetime | None = None) -> Principal:
        """Signature, issuer, audience, times and role; not revocation (see `verify_active`)."""
        claims = self._claims(token)
        self._check_times(claims, now or self.clock())
        try:
            role = Role(str(claims.get("role")))
        except ValueError:
            raise InvalidToken(f"token names an unknown role: {claims.get('role')!r}") from None
        if role is Role.PUBLIC:
            raise InvalidToken("a token cannot carry the public role")
        scopes = frozenset(str(claims.get("scope") or "").split())
        client_id = claims.get("client_id")
        return Principal(
            role,
            org_iri=claims["sub"],
            region=claims.get("region"),
            scopes=scopes,
            client_id=str(client_id) if client_id is not None else None,
        )

    async def verify_active(self, token: str) -> Principal:
        """`verify`, and a token issued to an OAuth client is refused once the client is revoked."""
        principal = self.verify(token)
        if principal.client_id is not None and self.revoked is not None and await self.revoked(principal.client_id):
            raise InvalidToken("token's client has been revoked")
        return principal

    def _claims(self, token: str) -> dict[str, Any]:
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
            return jwt.decode(
                token,
                key.public,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": ["exp", "iat", "sub", "aud", "iss"],
                    "verify_exp": False,  # checked by _check_times against our clock
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise InvalidToken(f"token is not for this audience ({self.audience})") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken(f"token is not from this issuer ({self.issuer})") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token is invalid: {exc}") from None

    def _check_times(self, claims: dict[str, Any], now: datetime) -> None:
        """Valid while iat - leeway <= now < exp + leeway (and nbf - leeway <= now); lifetime at most MAX_TTL."""
        try:
            iat, exp = int(claims["iat"]), int(claims["exp"])
            nbf = int(claims.get("nbf", iat))
        except (TypeError, ValueError):
            raise InvalidToken("token times (iat, nbf, exp) must be integers") from None
        t, leeway = now.timestamp(), self.leeway.total_seconds()
        if t >= exp + leeway:
            raise InvalidToken("token has expired")
        if t < iat - leeway or t < nbf - leeway:
            raise InvalidToken("token is not valid yet")
        if exp - iat > MAX_TTL.total_seconds():
            raise InvalidToken(f"token lifetime exceeds {int(MAX_TTL.total_seconds())} seconds")

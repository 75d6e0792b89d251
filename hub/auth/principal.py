"""The caller of a request, as the policy sees it: a role and, for every role but public, an organization."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.domain.codes import OrgKind


class Role(StrEnum):
    PUBLIC = "public"
    ENTERPRISE = OrgKind.ENTERPRISE.value
    REGIONAL_PLATFORM = OrgKind.REGIONAL_PLATFORM.value
    INTERNATIONAL_BODY = OrgKind.INTERNATIONAL_BODY.value
    STANDARDS_TEAM = OrgKind.STANDARDS_TEAM.value
    VERIFIER = OrgKind.VERIFIER.value
    REGULATOR = OrgKind.REGULATOR.value


@dataclass(frozen=True)
class Principal:
    role: Role
    org_iri: str | None = None  # the organization's IRI; None only for the public role
    region: str | None = None
    scopes: frozenset[str] = frozenset()
    # The OAuth client a token was issued to (its `client_id` claim), so revoking the client ends the token;
    # None for tokens issued by `cfhub token issue`.
    client_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.role is not Role.PUBLIC

    @property
    def actor(self) -> str:
        return self.org_iri or "public"


PUBLIC = Principal(Role.PUBLIC)

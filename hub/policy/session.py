"""The policy of the hub whose sessionmaker made a session, for services that are handed only a session (the data
quality check reads the policy's minimum group through it), so every path reads the one configured value."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.policy.load import default_policy
from hub.policy.model import Policy

POLICY_KEY = "cfhub.policy"


def policy_of(session: AsyncSession) -> Policy:
    """The hub's policy (hub/bootstrap.py puts it in `Session.info`); the installation's policy file for a session
    made outside a hub, never the dataclass defaults."""
    found = session.info.get(POLICY_KEY)
    return found if isinstance(found, Policy) else default_policy()

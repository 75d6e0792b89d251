"""GraphQL over real HTTP on the ZJ hub: the regulator pulls from the GBA partner with `pullPactFootprints` and
reads the outbox with `pactOutbox`; every other role is refused the pull and reads no outbox event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hub.auth.principal import Principal, Role
from hub.db.models import PactPartner
from hub.pact.requests import send_request
from hub.services.uow import unit_of_work
from tests.pact.pact_hubs import Pair, two_hubs

PULL = "mutation { pullPactFootprints(partner: $p) { counts refused hostError errors { path reason } } }"
PULL = PULL.replace("mutation {", "mutation($p: String!) {")
OUTBOX = "{ pactOutbox { eventId eventType status attempts lastError } }"
ROLES = {
    Role.ENTERPRISE: "zj-buyer",
    Role.REGIONAL_PLATFORM: "gba-platform",
    Role.REGULATOR: "zj-regulator",
}


def gql(pair: Pair, role: Role, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    principal = Principal(role, f"{pair.zj.settings.base_iri}org/{ROLES[role]}", "ZJ")
    headers = {"Authorization": f"Bearer {pair.zj.tokens.issue(principal)}", "Accept": "application/json"}
    with httpx.Client(base_url=pair.zj_url, timeout=120) as http:
        response = http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    return dict(response.json())


async def test_the_regulator_pulls_and_reads_the_outbox_others_are_refused(
    demo_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    async with two_hubs(demo_db_url, empty_db_url, tmp_path) as pair:
        for role in (Role.ENTERPRISE, Role.REGIONAL_PLATFORM):
            refused = gql(pair, role, PULL, {"p": "gba"})
            assert refused["data"] is None and "pullPactFootprints" in refused["errors"][0]["message"]
        unknown = gql(pair, Role.REGULATOR, PULL, {"p": "nobody"})["data"]["pullPactFootprints"]
        assert unknown["errors"] == [{"path": "$.partner", "reason": "no PACT partner is named 'nobody'"}]
        pulled = gql(pair, Role.REGULATOR, PULL, {"p": "gba"})["data"]["pullPactFootprints"]
        assert pulled["hostError"] is None and pulled["refused"] == [] and pulled["counts"]["stored"] > 50

        async with unit_of_work(pair.zj.sessions) as session:
            partner = await session.scalar(select(PactPartner).where(PactPartner.name == "gba"))
            assert partner is not None
            request = await send_request(session, pair.zj, partner, {"productId": ["urn:cfhub:product:x"]})
        seen = gql(pair, Role.REGULATOR, OUTBOX)["data"]["pactOutbox"]
        assert [e["eventId"] for e in seen] == [request.event_id]
        assert seen[0]["eventType"] == "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
        for role in (Role.ENTERPRISE, Role.REGIONAL_PLATFORM):
            assert gql(pair, role, OUTBOX)["data"]["pactOutbox"] == []

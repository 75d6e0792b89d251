"""Peering for federated queries: the asking hub gets a regional_platform client at each peer (the peer makes an
organization for the asker's region if it has none) and keeps the secret beside its keys, as an operator would
with `cfhub client create` there and `cfhub peers add --client-id` here."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from hub.auth.clients import create_client
from hub.bootstrap import open_hub
from hub.db.models import Organization
from hub.domain.codes import OrgKind, Region
from hub.federation.peers import store_secret
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from tests.federation.hubs import Federation, RunningHub


async def _platform_client(peer: RunningHub, asker: str) -> tuple[str, str]:
    """A regional_platform client for the asker's region on the peer hub (its organization made if missing)."""
    hub = open_hub(peer.settings)
    try:
        async with unit_of_work(hub.sessions) as session:
            iri = f"{peer.settings.base_iri}org/{asker.lower()}-platform"
            org = await session.scalar(select(Organization).where(Organization.iri == iri))
            if org is None:
                org = Organization(
                    iri=iri, kind=OrgKind.REGIONAL_PLATFORM, region=Region(asker), name_zh=asker, name_en=asker
                )
                Origin(f"{peer.settings.base_iri}org/zj-regulator").stamp(org)
                session.add(org)
                await session.flush()
            return await create_client(session, org)
    finally:
        await hub.close()


def connect(fed: Federation, asker: str, peers: tuple[str, ...]) -> None:
    """The asker holds client credentials at each peer, as an operator would set them up."""
    for region in peers:
        client_id, secret = asyncio.run(_platform_client(fed[region], asker))
        store_secret(fed[asker].settings.key_dir, region, secret)
        engine = fed.engine(asker)
        with engine.begin() as conn:
            conn.execute(text("UPDATE peer SET client_id = :c WHERE region = :r"), {"c": client_id, "r": region})
        engine.dispose()

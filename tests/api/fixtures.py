"""Who is who in the demo data, tokens for them, and the extra records the API tests need."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Dataset, Footprint, Organization, Product
from hub.domain.codes import DatasetDirection, FootprintStatus, LabelStatus, Region
from hub.labels.walk import Cast, walk
from hub.services.origin import Origin
from hub.services.uow import unit_of_work

# The organization each authenticated role acts as in the tests.
ROLE_ORGS = {
    Role.ENTERPRISE: "zj-battery",
    Role.REGIONAL_PLATFORM: "yrd-platform",
    Role.INTERNATIONAL_BODY: "intl-body",
    Role.STANDARDS_TEAM: "zj-standards",
    Role.VERIFIER: "cert-accredited",
    Role.REGULATOR: "zj-regulator",
}
REGIONS = {"yrd-platform": "YRD", "gba-platform": "GBA", "intl-body": "INTL"}


def org_iri(settings: Settings, key: str) -> str:
    return f"{settings.base_iri}org/{key}"


def principal(settings: Settings, role: Role, key: str | None = None) -> Principal:
    if role is Role.PUBLIC:
        return Principal(Role.PUBLIC)
    key = key or ROLE_ORGS[role]
    return Principal(role, org_iri(settings, key), REGIONS.get(key, "ZJ"))


def token(hub: Hub, role: Role, key: str | None = None) -> str | None:
    if role is Role.PUBLIC:
        return None
    return hub.tokens.issue(principal(hub.settings, role, key))


def gql(
    client: httpx.Client, query: str, bearer: str | None = None, variables: dict[str, Any] | None = None
) -> httpx.Response:
    headers = {"Accept": "application/graphql-response+json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def add_extras(hub: Hub) -> None:
    """Labels (issued, suspended), a dataset per partner region, a verifier on each submitted footprint."""
    base = hub.settings.base_iri
    async with unit_of_work(hub.sessions) as session:
        verifier = await session.scalar(
            select(Organization).where(Organization.iri == org_iri(hub.settings, "cert-accredited"))
        )
        assert verifier is not None
        await session.execute(
            update(Footprint).where(Footprint.status == FootprintStatus.SUBMITTED).values(verifier_id=verifier.id)
        )
        regulator = Origin(actor=org_iri(hub.settings, "zj-regulator"))
        published = list(
            await session.scalars(
                select(Footprint).where(Footprint.status == FootprintStatus.PUBLISHED).order_by(Footprint.id).limit(3)
            )
        )
        cast = await label_cast(session, hub.settings, published[0])
        today = date(2025, 4, 1)
        for fp in published:
            await walk(
                session, fp, LabelStatus.ISSUED, await label_cast(session, hub.settings, fp), SCHEME, "ok", base, today
            )
        # a second label of the first footprint, in another scheme: one label per scheme is in force
        await walk(session, published[0], LabelStatus.SUSPENDED, cast, "ZJ-PCF-EXPORT", "demo suspension", base, today)
        for region in (Region.YRD, Region.GBA, Region.INTL):
            ds = Dataset(
                iri=f"{base}dataset/{region.value.lower()}-2025",
                name=f"zj-to-{region.value.lower()}",
                version="2025.1",
                region=region,
                direction=DatasetDirection.EXPORT,
                record_count=3,
                content_hash="sha256:" + "0" * 64,
                source_hub=base,
            )
            regulator.stamp(ds)
            session.add(ds)


# The scheme of the labels the tests add (the demo's own labels are ZJ-PCF-LABEL: one in force per scheme).
SCHEME = "ZJ-PCF-TEST"


async def label_cast(session: AsyncSession, settings: Settings, footprint: Footprint) -> Cast:
    """The footprint's owner, the demo's accredited certification body and the regulator."""
    owner = await session.scalar(
        select(Organization)
        .join(Product, Product.owner_id == Organization.id)
        .where(Product.id == footprint.product_id)
    )
    orgs = {
        o.iri: o
        for o in await session.scalars(
            select(Organization).where(
                Organization.iri.in_([org_iri(settings, "cert-accredited"), org_iri(settings, "zj-regulator")])
            )
        )
    }
    assert owner is not None
    return Cast(owner, orgs[org_iri(settings, "cert-accredited")], orgs[org_iri(settings, "zj-regulator")])


def prepare(url: str, key_dir: Any, **overrides: Any) -> Hub:
    """Add the extras with one hub (closed in the loop that opened its connections); return a fresh one."""
    settings = Settings(database_url=url, key_dir=key_dir, **overrides)

    async def run() -> None:
        hub = open_hub(settings)
        try:
            await add_extras(hub)
        finally:
            await hub.close()

    asyncio.run(run())
    return open_hub(settings)

"""A newer version of a footprint a partner was sent is published: the partner gets a PublishedEvent naming
the new version's PACT id (through the outbox); partners that were never sent the older version do not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.models import Footprint, Organization, PactOutboxEvent, PactPartner, Product
from hub.domain.codes import FootprintStatus
from hub.exchange.documents import footprint_documents
from hub.mapping.functions import uuid_for
from hub.pact.answer import Answer
from hub.pact.partners import PartnerInput, add_partner
from hub.pact.requests import record_received
from hub.services import footprints, transitions
from hub.services.origin import Origin
from hub.services.uow import unit_of_work
from hub.validation import record_fields


@pytest.fixture
async def hub(demo_db_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    found = open_hub(Settings(database_url=demo_db_url, key_dir=tmp_path))
    yield found
    await found.close()


async def _partners(hub: Hub) -> tuple[PactPartner, PactPartner]:
    async with unit_of_work(hub.sessions) as session:
        told = await add_partner(session, PartnerInput("told", "https://told.example", "c", "s"))
        other = await add_partner(session, PartnerInput("other", "https://other.example", "c", "s"))
    return told, other


async def _new_version(hub: Hub, old: Footprint) -> Footprint:
    async with hub.sessions() as session:
        [doc] = await footprint_documents(session, [old.id])
        product = await session.get_one(Product, old.product_id)
        owner = await session.get_one(Organization, product.owner_id)
        verifier = await session.scalar(select(Organization).where(Organization.iri.endswith("/org/cert-accredited")))
    assert verifier is not None
    names, _ = record_fields("footprint")
    data = {k: doc[k] for k in names if k in doc and k != "inventory"}
    data.update(product_iri=product.iri, supersedes_iri=old.iri)
    base = hub.settings.base_iri
    async with unit_of_work(hub.sessions) as session:
        new = await footprints.create_footprint(session, data, Origin(actor=owner.iri), base)
        await footprints.submit(session, new, verifier, Origin(actor=owner.iri))
        await footprints.verify(
            session, new, verifier, "Verified again.", date(2026, 11, 27), Origin(actor=verifier.iri)
        )
    return new


async def test_a_partner_sent_a_footprint_hears_of_its_newer_version(hub: Hub) -> None:
    told, _ = await _partners(hub)
    async with hub.sessions() as session:
        old = await session.scalar(
            select(Footprint).where(Footprint.status == FootprintStatus.PUBLISHED).order_by(Footprint.id).limit(1)
        )
    assert old is not None
    async with unit_of_work(hub.sessions) as session:
        event = {"id": "req-1", "data": {"productId": ["urn:x"]}}
        assert await record_received(session, hub, await session.merge(told), event, Answer([old.id], [{"id": "x"}]))
    new = await _new_version(hub, old)
    regulator = Origin(actor=f"{hub.settings.base_iri}org/zj-regulator")
    async with unit_of_work(hub.sessions) as session:
        fresh = await session.get_one(Footprint, new.id)
        await transitions.move_and_decide(
            session, fresh, FootprintStatus.PUBLISHED, regulator, hub.settings.base_iri, date(2026, 11, 27)
        )
    async with hub.sessions() as session:
        queued = list(await session.scalars(select(PactOutboxEvent).order_by(PactOutboxEvent.id)))
    published = [e for e in queued if e.event_type.endswith("PublishedEvent.3")]
    assert [(e.partner_id, e.payload["data"]) for e in published] == [(told.id, {"pfIds": [uuid_for(new.iri)]})]

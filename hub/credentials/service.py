"""The credential use cases as one hub runs them: its identity signs, its database holds the labels and the
status lists, its clock says what "now" is. Routes and the command line call these; the modules beside this one
know nothing of a `Hub`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import PUBLIC, Principal
from hub.bootstrap import Hub
from hub.credentials import status_list
from hub.credentials.vc import PURPOSES, credential_for, status_list_url
from hub.credentials.verify import DidDocuments, Report, StatusLists, verify_credential
from hub.db.models import Label
from hub.queries import records
from hub.queries.reader import Reader
from hub.services.uow import unit_of_work


async def label_credential(hub: Hub, serial: str, principal: Principal = PUBLIC) -> dict[str, Any] | None:
    """The credential of the label with this serial, if the caller may read the label (hub/queries, its policy:
    the public reads issued labels of published footprints); None otherwise, whether or not it exists."""
    reader = Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, clock=hub.clock)
    found = await records.fetch(reader, "Label", Label.serial == serial, limit=1)
    if not found:
        return None
    async with unit_of_work(hub.sessions) as session:
        return await credential_for(
            session, hub.identity, hub.settings.public_base_url, found[0]["_id"], hub.clock.now()
        )


async def list_credential(hub: Hub, purpose: str) -> dict[str, Any]:
    async with unit_of_work(hub.sessions) as session:
        return await status_list.status_list_credential(
            session, hub.identity, hub.settings.public_base_url, purpose, hub.clock.now()
        )


def own_dids(hub: Hub, known: Mapping[str, Mapping[str, Any]] | None = None) -> DidDocuments:
    """The hub's own DID document, and the DID documents it was given (`known`, DID to document)."""
    others = dict(known or {})

    def resolve(did: str) -> Mapping[str, Any] | None:
        return hub.identity.did_document() if did == hub.identity.did else others.get(did)

    return resolve


def own_status_lists(hub: Hub, session: AsyncSession) -> StatusLists:
    """The hub's own status lists, read from its database; any other URL is not readable (None)."""
    urls = {status_list_url(hub.settings.public_base_url, purpose): purpose for purpose in PURPOSES}

    async def read(url: str) -> Mapping[str, Any] | None:
        purpose = urls.get(url)
        if purpose is None:
            return None
        return await status_list.status_list_credential(
            session, hub.identity, hub.settings.public_base_url, purpose, hub.clock.now()
        )

    return read


async def label_report(hub: Hub, label_id: int) -> dict[str, Any]:
    """The hub's verification report of the credential of the label `label_id` (the caller has already read the
    label under its policy), as the label page shows it. Kept on the hub (hub/credentials/cache.py) under the
    label, the status lists' revisions, the hub's keys and the day: signing a credential and changing a label's
    status both move a revision, so a kept report is never one a fresh verification would contradict, and a view
    that finds one makes a single small query."""
    kids, today = tuple(hub.identity.ring.kids()), hub.clock.today()
    async with unit_of_work(hub.sessions) as session:
        found = hub.verifications.get((label_id, await status_list.revisions(session), kids, today))
        if found is not None:
            return found
        now = hub.clock.now()
        document = await credential_for(session, hub.identity, hub.settings.public_base_url, label_id, now)
        report = (await verify_credential(document, own_dids(hub), own_status_lists(hub, session), now)).as_json()
        # the revisions the lists were verified at (signing the credential just now moved them on)
        hub.verifications.put((label_id, await status_list.revisions(session), kids, today), report)
        return report


async def verify(hub: Hub, document: Any, known: Mapping[str, Mapping[str, Any]] | None = None) -> Report:
    """Verify a credential against this hub: its DID (and `known` ones), its own status lists, its clock."""
    async with unit_of_work(hub.sessions) as session:
        return await verify_credential(document, own_dids(hub, known), own_status_lists(hub, session), hub.clock.now())

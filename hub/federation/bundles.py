"""Dataset bundles: what a peer may receive from this hub, as one signed JSON-LD document.

`build_bundle` reads the records through hub/queries as the peer's `regional_platform` caller under the one
sharing agreement that governs the peer (so never more than the peer could read here itself), narrows each
footprint's ZJ document to the fields granted on its row, maps it into the receiver's vocabulary with the
mapping engine, stamps its provenance (source hub, record IRI and version, mapping, the rule sets of its
decisions) and the ODRL usage policy it travels under, and secures the whole with an `eddsa-jcs-2022` Data
Integrity proof by the hub's did:web identity. Records this hub imported go on only where their own policy
permits onward transfer (hub/policy/usage.py), still under that policy and with their original provenance.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub
from hub.db.models import Decision, ImportedRecord, Label, SharingAgreement
from hub.exchange.documents import footprint_documents
from hub.exchange.mapped import narrowed
from hub.federation import labels as partner_labels
from hub.federation import odrl
from hub.federation.peers import peer_for
from hub.mapping import Mapper
from hub.policy.access import Access
from hub.policy.usage import onward_transferable
from hub.queries.footprints import FootprintFilter, footprint_page
from hub.queries.reader import Reader, agreement_in_force
from hub.queries.records import fetch, page
from hub.services import audit
from hub.validation import FieldError, InvalidInput

BUNDLE_CONTEXT = "https://w3id.org/cfhub/contexts/bundle.jsonld"
RECORD_KIND = "Footprint"
PAGE = 500
AUDIT_ATTEMPTS = 10
# The vocabulary each region's hub reads bundles in: the mapping target, or None for the ZJ vocabulary itself.
VOCABULARIES: dict[str, str | None] = {"ZJ": None, "YRD": "yrd", "GBA": "gba"}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Scope:
    """The part of what a peer may receive that one bundle carries (incremental sync, hub/federation/changes.py):
    conditions on its footprints and on the imported records that go on, further entries (withdrawal notices)
    made with the bundle's mapper and policy uid, and fields added to the bundle. No scope: everything."""

    footprints: tuple[ColumnElement[bool], ...] = ()
    onward: tuple[ColumnElement[bool], ...] = ()
    # Called only when the agreement lets the peer read footprints at all, with the peer's access here.
    extra: Callable[[Mapper | None, str, Access], Awaitable[list[dict[str, Any]]]] | None = None
    header: dict[str, Any] | None = None
    # Each footprint entry also carries the labels the peer may read of it (`labels`), and `amend` may add to
    # the entries (label status notices) before the bundle is signed.
    labels: bool = False
    amend: Callable[[list[dict[str, Any]]], None] | None = None


@dataclass(frozen=True)
class Receiver:
    """The peer a bundle is for, as the export needs it."""

    region: str
    did: str
    vocabulary: str | None
    agreement_iri: str
    terms: odrl.UsageTerms


async def _receiver(hub: Hub, region: str) -> tuple[Receiver, Reader]:
    async with hub.sessions() as session:
        peer = await peer_for(session, region)
        agreement = await session.get(SharingAgreement, peer.agreement_id) if peer.agreement_id else None
    if region not in VOCABULARIES:
        raise InvalidInput([FieldError("$.to", f"no bundle vocabulary is known for region {region}")])
    in_force = agreement_in_force(agreement, hub.clock.today()) if agreement else None
    if agreement is None or in_force is None:
        reason = f"peer {region} has no sharing agreement in force here, so it may receive nothing"
        raise InvalidInput([FieldError("$.to", reason)])
    principal = Principal(Role.REGIONAL_PLATFORM, peer.did, peer.region.value)
    wanted = {"Decision": frozenset({"ruleset_id", "ruleset_version"})}  # provenance only, never traces
    reader = Reader(hub.engine, hub.sessions, hub.policy, principal, hub.rulesets, wanted, hub.clock, [in_force])
    terms = odrl.terms_for(tuple(peer.read_by), peer.onward_transfer, peer.retention_days, hub.clock.today())
    return Receiver(peer.region.value, peer.did, VOCABULARIES[region], agreement.iri, terms), reader


def _rulesets(decisions: list[dict[str, Any]]) -> dict[int, list[dict[str, str]]]:
    """The rule sets behind each footprint's decisions, as far as the peer may read them."""
    out: dict[int, list[dict[str, str]]] = defaultdict(list)
    for d in decisions:
        if d.get("ruleset_id") and d.get("ruleset_version"):
            entry = {"id": d["ruleset_id"], "version": d["ruleset_version"]}
            if entry not in out[d["_footprint_id"]]:
                out[d["_footprint_id"]].append(entry)
    return out


async def _local_records(
    hub: Hub,
    reader: Reader,
    mapper: Mapper | None,
    policy_uid: str,
    progress: Progress | None,
    where: Sequence[ColumnElement[bool]] = (),
    with_labels: bool = False,
) -> list[dict[str, Any]]:
    access = await reader.access()
    credit_code = "credit_code" in access.readable_fields("Organization")
    records: list[dict[str, Any]] = []
    after: int | None = None
    while True:
        found = (
            await page(reader, RECORD_KIND, *where, first=PAGE, after=after)
            if where
            else await footprint_page(reader, FootprintFilter(), first=PAGE, after=after)
        )
        if not found.records:
            break
        ids = [r["_id"] for r in found.records]
        async with hub.sessions() as session:
            documents = await footprint_documents(session, ids)
        decisions = await fetch(reader, "Decision", Decision.footprint_id.in_(ids), internal=("footprint_id",))
        rulesets = _rulesets(decisions)
        labels = await _labels(reader, ids) if with_labels else {}
        docs = [narrowed(doc, r["_readable"], credit_code) for r, doc in zip(found.records, documents, strict=True)]
        data = await asyncio.to_thread(_map, mapper, docs)
        for r, doc, mapped in zip(found.records, docs, data, strict=True):
            records.append(_entry(hub, r["id"], doc, mapped, mapper, rulesets[r["_id"]], policy_uid))
            if with_labels:
                records[-1]["labels"] = labels.get(r["_id"], [])
        if progress:
            progress(len(records))
        if not found.has_next:
            break
        after = ids[-1]
    return records


async def _labels(reader: Reader, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The labels of these footprints the peer may read, with the fields it may read (JSON values only)."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for label in await fetch(reader, "Label", Label.footprint_id.in_(ids), internal=("footprint_id",)):
        shown = {k: v for k, v in label.items() if not k.startswith("_") and k not in {"id", "footprint"}}
        out[label["_footprint_id"]].append(
            {
                "@id": label["id"],
                **{k: v if isinstance(v, str | int | float | None) else str(v) for k, v in shown.items()},
            }
        )
    return out


def _map(mapper: Mapper | None, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if mapper is None:
        return documents
    return [result.output for result in mapper.map_many(documents)]


def _entry(
    hub: Hub,
    iri: str,
    doc: dict[str, Any],
    data: dict[str, Any],
    mapper: Mapper | None,
    rulesets: list[dict[str, str]],
    policy_uid: str,
) -> dict[str, Any]:
    return {
        "@id": iri,
        "kind": RECORD_KIND,
        "policy": policy_uid,
        "provenance": {
            "source_hub": hub.identity.did,
            "source_region": hub.settings.region.value,
            "record": iri,
            "version": int(doc.get("version", 1)),
            "supersedes": doc.get("supersedes_iri"),
            "mapping": None if mapper is None else {"iri": mapper.iri, "version": mapper.version},
            "rulesets": rulesets,
        },
        "data": data,
    }


async def _onward_records(
    hub: Hub,
    access: Access,
    agreement_statuses: Sequence[str],
    mapper: Mapper | None,
    where: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Imported records whose own policy lets them go on, narrowed to the fields the agreement grants, under
    their original policy (a receiver never gets looser terms than the record came with)."""
    fields = access.readable_fields(RECORD_KIND)
    if not fields:
        return [], []
    async with hub.sessions() as session:
        rows = (
            await session.scalars(
                select(ImportedRecord)
                .where(onward_transferable(hub.clock.today()), ImportedRecord.superseded_by_iri.is_(None), *where)
                .order_by(ImportedRecord.id)
            )
        ).all()
    records, policies = [], {}
    for row in rows:
        if agreement_statuses and row.document.get("status") not in agreement_statuses:
            continue
        doc = narrowed(row.document, fields, "credit_code" in access.readable_fields("Organization"))
        data = _map(mapper, [doc])[0]
        uid = str(row.usage_policy["uid"])
        policies[uid] = row.usage_policy
        provenance = {
            "source_hub": row.source_hub,
            "source_region": row.source_region.value,
            "via": [hub.identity.did],
            "record": row.iri,
            "version": row.version,
            "supersedes": row.supersedes_iri,
            "mapping": None if mapper is None else {"iri": mapper.iri, "version": mapper.version},
            "rulesets": row.rulesets,
        }
        records.append({"@id": row.iri, "kind": row.kind, "policy": uid, "provenance": provenance, "data": data})
    return records, list(policies.values())


async def build_bundle(
    hub: Hub, region: str, progress: Progress | None = None, scope: Scope | None = None
) -> dict[str, Any]:
    """The signed bundle of everything peer `region` may receive now (InvalidInput if it may receive nothing),
    or of the part of it that `scope` names."""
    from hub.services.published import effective_catalog

    receiver, reader = await _receiver(hub, region)
    async with hub.sessions() as session:
        catalog = await effective_catalog(session)
    mapper = catalog.get(receiver.vocabulary, "export") if receiver.vocabulary else None
    bundle_iri = f"{hub.settings.base_iri}bundle/{uuid.uuid4()}"
    uid = f"{bundle_iri}#policy-{RECORD_KIND}"
    own_policy = odrl.policy(uid, hub.identity.did, receiver.did, RECORD_KIND, receiver.terms)
    scope = scope or Scope(labels=True)  # a whole export carries the labels too, with their credentials
    records = await _local_records(hub, reader, mapper, uid, progress, scope.footprints, scope.labels)
    access = await reader.access()
    statuses = next(iter(access.agreements)).statuses
    if scope.extra and access.readable_fields(RECORD_KIND):
        records += await scope.extra(mapper, uid, access)
    if scope.amend:
        scope.amend(records)
    label_fields = await partner_labels.attach(hub, records) if scope.labels else {}
    # Never back to the hub they came from: its importer refuses its own records, and would refuse the bundle.
    back = ImportedRecord.source_hub != receiver.did
    onward, onward_policies = await _onward_records(hub, access, statuses, mapper, (*scope.onward, back))
    created = hub.clock.now()
    bundle = {
        "@context": [BUNDLE_CONTEXT],
        "@id": bundle_iri,
        "@type": "DatasetBundle",
        "source_hub": hub.identity.did,
        "source_region": hub.settings.region.value,
        "audience": receiver.did,
        "region": receiver.region,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "vocabulary": receiver.vocabulary or "zj",
        "agreement": receiver.agreement_iri,
        "policies": [own_policy, *onward_policies],
        "record_count": len(records) + len(onward),
        "records": records + onward,
        **(scope.header or {}),
        **label_fields,
    }
    signed = await asyncio.to_thread(hub.identity.sign, bundle, created)
    await _audit(hub, bundle_iri, receiver, len(records), len(onward))
    return signed


async def _audit(hub: Hub, bundle_iri: str, receiver: Receiver, local: int, onward: int) -> None:
    from hub.services.uow import unit_of_work

    detail = {"to": receiver.did, "region": receiver.region, "records": local, "onward": onward}
    for attempt in range(AUDIT_ATTEMPTS):
        try:
            async with unit_of_work(hub.sessions) as session:
                await audit.record(session, hub.identity.did, "export", "DatasetBundle", bundle_iri, detail)
            return
        except IntegrityError:
            # On SQLite an append that is its transaction's first write reads the chain's head unlocked, so
            # exports at the same moment (peers syncing) can extend the same link; the loser appends again.
            if attempt == AUDIT_ATTEMPTS - 1:
                raise

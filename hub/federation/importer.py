"""Importing a dataset bundle: all or nothing, idempotent, and never over a newer or a local record.

In order: the bundle must come from a KNOWN peer (its `source_hub` is a peer's DID) and be meant for this hub;
its Data Integrity proof must verify with a key that peer's DID document (fetched from the peer) vouches for;
its ODRL policies must be ones this hub can enforce; and every record must be valid and map back into the ZJ
vocabulary. Any fault refuses the whole bundle, naming every bad record with its reason, and writes nothing.
Then, in one transaction, records are upserted by IRI: a newer version replaces an older one, an older one
never replaces a newer, the same record again changes nothing, and a record that supersedes another marks it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import orjson
from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.bootstrap import Hub
from hub.db.models import Footprint, ImportedRecord, Peer
from hub.domain.codes import Region
from hub.federation import labels as partner_labels
from hub.federation import odrl
from hub.federation.peers import PeerError, peer_by_did, peer_keys
from hub.federation.records import EntryChecker, RecordChecker
from hub.integrity.proofs import canonical_json, verify_proof
from hub.services import audit
from hub.services.uow import unit_of_work
from hub.validation import FieldError, InvalidInput, problems

WRITE_ATTEMPTS = 3  # concurrent imports of overlapping bundles: the loser of a unique-IRI race applies again
CHUNK = 500  # IRIs per IN (...) lookup: well inside SQLite's and PostgreSQL's parameter limits
Progress = Callable[[str, int], None]
# Work done in the transaction that applies a bundle, after its records are written (a sync moves its cursor
# there, hub/federation/sync.py): if it raises, nothing of the bundle is applied.
Within = Callable[[AsyncSession, "ImportReport"], Awaitable[None]]


@dataclass
class ImportReport:
    bundle: str
    source_hub: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0  # records older than the version already here: not applied
    superseded: int = 0
    labels: int = 0  # partner labels written or updated (hub/federation/labels.py)
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True)
class Incoming:
    """One record of the bundle, checked and ready to upsert."""

    iri: str
    kind: str
    version: int
    document: dict[str, Any]
    content_hash: str
    provenance: Mapping[str, Any]
    policy: Mapping[str, Any]
    terms: odrl.UsageTerms


def _refuse(path: str, reason: str) -> InvalidInput:
    return InvalidInput([FieldError(path, reason)])


def _envelope(bundle: Any, own_did: str, own_region: Region) -> None:
    """The bundle's shape (schema/json/dataset-bundle.schema.json; its records one by one in `_check_records`),
    then that it is meant for this hub."""
    records = bundle.get("records") if isinstance(bundle, Mapping) else None
    found = problems("dataset-bundle", {**bundle, "records": []} if isinstance(records, list) else bundle)
    if found:
        raise InvalidInput(found)
    if bundle["audience"] != own_did or bundle["region"] != own_region.value:
        reason = f"the bundle is for {bundle['audience']} ({bundle['region']}), not for this hub ({own_did})"
        raise _refuse("$.audience", reason)
    if bundle["record_count"] != len(bundle["records"]):
        reason = f"says {bundle['record_count']} but the bundle holds {len(bundle['records'])} records"
        raise _refuse("$.record_count", reason)


async def _verify(bundle: Mapping[str, Any], peer: Peer, http: httpx.AsyncClient) -> None:
    try:
        keys = await peer_keys(http, peer.base_url, peer.did)
    except PeerError as error:
        raise _refuse("$.proof", f"the sender's keys could not be fetched: {error}") from None
    outcome = await asyncio.to_thread(verify_proof, bundle, keys)
    if not outcome.verified:
        raise _refuse("$.proof", f"{outcome.failure}: {outcome.reason}")


def _policies(bundle: Mapping[str, Any], own_did: str) -> dict[str, tuple[Mapping[str, Any], odrl.UsageTerms]]:
    """Each policy by uid with its terms. Policies that travelled on from an earlier hub keep their assigner."""
    out: dict[str, tuple[Mapping[str, Any], odrl.UsageTerms]] = {}
    problems: list[FieldError] = []
    for i, p in enumerate(bundle["policies"]):
        assigner = p.get("assigner") if isinstance(p, Mapping) else None
        try:
            if not isinstance(assigner, str):
                raise odrl.PolicyError("names no assigner")
            terms = odrl.terms_of(p, assigner, _assignee(p, own_did))
            out[str(p["uid"])] = (p, terms)
        except (odrl.PolicyError, KeyError) as error:
            problems.append(FieldError(f"$.policies[{i}]", str(error)))
    if problems:
        raise InvalidInput(problems)
    return out


def _assignee(policy_doc: Mapping[str, Any], own_did: str) -> str:
    """A policy made for us names us; one that travelled on names the hub it was first given to, and binds us
    as it bound that hub (we are then checked to be a hub it permits distribution to)."""
    assignee = policy_doc.get("assignee")
    return assignee if isinstance(assignee, str) else own_did


def _check_records(
    bundle: Mapping[str, Any],
    checker: RecordChecker,
    policies: Mapping[str, tuple[Mapping[str, Any], odrl.UsageTerms]],
    own_did: str,
    own_base_iri: str,
) -> tuple[list[Incoming], list[FieldError]]:
    found: list[Incoming] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    shapes = EntryChecker()
    for i, entry in enumerate(bundle["records"]):
        shape = shapes.problems(entry)
        iri = entry.get("@id") if isinstance(entry, Mapping) else None
        where = f"$.records[{i}]" + (f" ({iri})" if isinstance(iri, str) else "")
        reasons = shape or _entry_problems(entry, policies, seen, own_did, own_base_iri)
        document: dict[str, Any] | None = None
        if not reasons:
            document, reasons = checker.check(entry["data"])
            if document is not None and document.get("iri") != iri:
                reasons = [f"its data names record {document.get('iri')!r}, not {iri!r}"]
        if reasons or document is None:
            problems += [FieldError(where, reason) for reason in reasons]
            continue
        seen.add(entry["@id"])
        if "labels" in entry:  # a bundle of changes: the labels, with their status at the source, kept as sent
            labels = [{k: v for k, v in label.items() if k != "credential"} for label in entry["labels"]]
            document = {**document, "labels": labels}  # the credentials are kept as partner labels
        policy_doc, terms = policies[entry["policy"]]
        digest = hashlib.sha256(canonical_json(entry)).hexdigest()
        version = entry["provenance"]["version"]
        found.append(
            Incoming(entry["@id"], entry["kind"], version, document, digest, entry["provenance"], policy_doc, terms)
        )
    return found, problems


def _entry_problems(
    entry: Any, policies: Mapping[str, Any], seen: set[str], own_did: str, own_base_iri: str
) -> list[str]:
    iri, provenance = entry["@id"], entry["provenance"]  # their shape: schema/json/dataset-bundle.schema.json
    if iri in seen:
        return ["appears twice in the bundle"]
    if iri.startswith(own_base_iri):
        return ["is a record of this hub; a peer's copy never overwrites a local record"]
    if entry["policy"] not in policies:
        return [f"names policy {entry.get('policy')!r}, which the bundle does not hold"]
    policy_doc, terms = policies[entry["policy"]]
    if policy_doc.get("assignee") != own_did and not terms.onward_transfer:
        return [
            f"its policy {policy_doc.get('uid')} was made for {policy_doc.get('assignee')} "
            "and prohibits onward transfer"
        ]
    if provenance["record"] != iri:
        return ["provenance.record must be the record's IRI"]
    return []


async def import_bundle(
    hub: Hub,
    bundle: Any,
    http: httpx.AsyncClient,
    progress: Progress | None = None,
    within: Within | None = None,
    ties_win: bool = False,
) -> ImportReport:
    """Verify, check and apply a bundle; InvalidInput (nothing written) naming every problem otherwise.
    `ties_win`: a record of the same version made in the same second as the one here replaces it (sync applies
    a peer's batches in the order the peer made them, and bundle times are to the second)."""
    from hub.services.published import effective_catalog, effective_registry

    own_did = hub.identity.did
    _envelope(bundle, own_did, hub.settings.region)
    async with hub.sessions() as session:
        peer = await peer_by_did(session, bundle["source_hub"])
        catalog = await effective_catalog(session)
    if peer is None:
        raise _refuse("$.source_hub", f"{bundle['source_hub']} is not a known peer of this hub (cfhub peers add)")
    await _verify(bundle, peer, http)
    received = await partner_labels.check(hub, bundle, peer, http)
    if progress:
        progress("verified", len(bundle["records"]))
    vocabulary = None if bundle["vocabulary"] == "zj" else bundle["vocabulary"]
    try:
        checker = RecordChecker(catalog, vocabulary)
    except KeyError:
        raise _refuse("$.vocabulary", f"this hub cannot read bundles in vocabulary {bundle['vocabulary']!r}") from None
    policies = _policies(bundle, own_did)
    incoming, problems = await asyncio.to_thread(
        _check_records, bundle, checker, policies, own_did, hub.settings.base_iri
    )
    if problems:
        raise InvalidInput(problems)
    if progress:
        progress("checked", len(incoming))
    if received is not None:
        async with hub.sessions() as session:
            registry = await effective_registry(session)
        documents = partner_labels.documents_by_iri(incoming)
        await asyncio.to_thread(partner_labels.decide, received, documents, registry, hub.clock.today())
    created = datetime.fromisoformat(bundle["created_at"].replace("Z", "+00:00"))
    for attempt in range(WRITE_ATTEMPTS):
        try:
            report = await _apply(hub, bundle["@id"], created, peer, incoming, within, ties_win, received)
            break
        except IntegrityError:
            # Another import wrote some of these IRIs between our read and our write; ours rolled back whole.
            # Applied again it sees their rows: the same records are then unchanged, newer ones still win.
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    if progress:
        progress("written", report.written)
    return report


async def _apply(
    hub: Hub,
    bundle_iri: str,
    created: datetime,
    peer: Peer,
    incoming: list[Incoming],
    within: Within | None = None,
    ties_win: bool = False,
    received: partner_labels.Received | None = None,
) -> ImportReport:
    """Upsert the checked records in one transaction (all or nothing), with one audit event if anything changed."""
    report = ImportReport(bundle_iri, peer.did)
    async with unit_of_work(hub.sessions) as session:
        await _refuse_local(session, incoming)
        await _upsert(session, incoming, bundle_iri, created, peer, hub, report, ties_win)
        if received is not None:
            report.labels = await partner_labels.store(session, received, bundle_iri, hub.clock.now())
        if report.written or report.superseded or report.labels:
            detail = {"from": peer.did, "inserted": report.inserted, "updated": report.updated}
            if report.labels:
                detail["labels"] = report.labels
            await audit.record(session, hub.identity.did, "import", "DatasetBundle", bundle_iri, detail)
        if within:
            await within(session, report)
    return report


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


async def _refuse_local(session: AsyncSession, incoming: list[Incoming]) -> None:
    """A record that has this hub's own IRI is ours: a peer never overwrites it (whatever its base IRI)."""
    local: list[str] = []
    for chunk in _chunks([r.iri for r in incoming]):
        local += (await session.scalars(select(Footprint.iri).where(Footprint.iri.in_(chunk)))).all()
    if local:
        reason = "is a record of this hub; a peer's copy never overwrites a local record"
        raise InvalidInput([FieldError(f"$.records ({iri})", reason) for iri in local])


async def _existing(session: AsyncSession, iris: list[str]) -> dict[str, ImportedRecord]:
    found: dict[str, ImportedRecord] = {}
    for chunk in _chunks(iris):
        rows = (await session.scalars(select(ImportedRecord).where(ImportedRecord.iri.in_(chunk)))).all()
        found.update({row.iri: row for row in rows})
    return found


def _values(r: Incoming, bundle_iri: str, created: datetime, peer: Peer, now: datetime) -> dict[str, Any]:
    mapping = r.provenance.get("mapping") if isinstance(r.provenance.get("mapping"), Mapping) else None
    rulesets = r.provenance.get("rulesets")
    return {
        "iri": r.iri,
        "kind": r.kind,
        "version": r.version,
        "document": r.document,
        "content_hash": r.content_hash,
        "source_hub": str(r.provenance.get("source_hub") or peer.did),
        "source_region": Region(str(r.provenance.get("source_region") or peer.region.value)),
        "bundle_iri": bundle_iri,
        "bundle_created_at": created,
        "mapping_iri": mapping.get("iri") if mapping else None,
        "mapping_version": mapping.get("version") if mapping else None,
        "rulesets": rulesets if isinstance(rulesets, list) else [],
        "usage_policy": dict(r.policy),
        "read_by": "".join(f" {role}" for role in r.terms.read_by) + " ",
        "onward_transfer": r.terms.onward_transfer,
        "retain_until": r.terms.retain_until,
        "supersedes_iri": r.document.get("supersedes_iri"),
        "imported_at": now,
    }


def _newer(r: Incoming, old: ImportedRecord, created: datetime, ties_win: bool = False) -> bool | None:
    """True: replace; False: keep what is here (it is newer); None: the same record, nothing to do."""
    if r.version != old.version:
        return r.version > old.version
    if r.content_hash == old.content_hash:
        return None
    return created >= old.bundle_created_at if ties_win else created > old.bundle_created_at


async def _upsert(
    session: AsyncSession,
    incoming: list[Incoming],
    bundle_iri: str,
    created: datetime,
    peer: Peer,
    hub: Hub,
    report: ImportReport,
    ties_win: bool = False,
) -> None:
    now = hub.clock.now()
    existing = await _existing(session, [r.iri for r in incoming])
    inserts, updates = [], []
    for r in incoming:
        old = existing.get(r.iri)
        if old is None:
            inserts.append(_values(r, bundle_iri, created, peer, now))
            continue
        decision = _newer(r, old, created, ties_win)
        if decision is None:
            report.unchanged += 1
        elif decision:
            updates.append({"id": old.id, **_values(r, bundle_iri, created, peer, now)})
        else:
            report.kept_newer += 1
    if inserts:
        await session.execute(insert(ImportedRecord), inserts)
    if updates:
        await session.execute(update(ImportedRecord), updates)
    report.inserted, report.updated = len(inserts), len(updates)
    await _mark_superseded(session, report)


async def _mark_superseded(session: AsyncSession, report: ImportReport) -> None:
    """A record that a newer version supersedes is kept, as history, naming its successor; this holds whichever
    of the two arrived first (one set-based UPDATE over the records not yet marked)."""
    successor = aliased(ImportedRecord)
    named = select(successor.iri).where(successor.supersedes_iri == ImportedRecord.iri).limit(1).scalar_subquery()
    result = await session.execute(
        update(ImportedRecord)
        .where(
            ImportedRecord.superseded_by_iri.is_(None), exists().where(successor.supersedes_iri == ImportedRecord.iri)
        )
        .values(superseded_by_iri=named)
        .execution_options(synchronize_session=False)
    )
    report.superseded += getattr(result, "rowcount", 0) or 0


def parse(data: bytes) -> Any:
    """A bundle file's bytes as JSON (orjson refuses NaN and Infinity, which JSON does not have)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _refuse("$", f"not JSON: {error}") from None

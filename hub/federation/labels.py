"""Labels travel with their footprints: the exporting hub's side and the receiving hub's side.

Export (`attach`): each footprint entry of a bundle carries the labels the peer may read of it (read through
hub/queries as the peer, under its agreement: a footprint the peer may not receive is not in the bundle, so
neither are its labels). Here each of those labels gets its Verifiable Credential exactly as this hub signed it
(eddsa-rdfc-2022, hub/credentials), and the bundle gets this hub's two status list credentials
(`label_status_lists`), signed now, so the receiver can tell revoked and suspended labels apart from issued ones.

Import (`check` then `store`): a label is accepted only from its ORIGIN, the hub that sent the bundle and whose
DID document the peer registry vouches for (fetched from the peer's registered base URL, never from an address
the bundle names). Its credential must verify with that key, name that issuer, and say what the label entry
says (serial, grade, score, scheme, validity, footprint); the status lists must be signed by the origin too.
Any fault refuses the whole bundle (the importer writes nothing). What is stored (`PartnerLabel`) keeps the
credential as received, the lists with the moment the origin vouched for them ("status as of") and this
hub's mutual-recognition decision for the label's footprint, made by the recognition rule set for the origin's
region (hub/services/decisions.py's engine, the same rule sets).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.credentials import service as credentials
from hub.credentials.vc import PURPOSES, credential_for
from hub.credentials.verify import Check, Report, check_proof, check_status, issuer_of, verify_credential
from hub.db.models import Label, PartnerLabel, Peer
from hub.decisions.facts import footprint_facts
from hub.domain.codes import Region
from hub.federation.peers import PeerError, fetch_did_document
from hub.services.uow import unit_of_work
from hub.validation import FieldError, InvalidInput
from rules_engine import Registry

STATUS_LISTS = "label_status_lists"  # the bundle field holding the origin's signed status list credentials
SIGN_ATTEMPTS = 10
RECOGNITION = "recognition"  # the decision kind whose rule set, per origin region, says if a label is recognised

# -- the exporting hub --------------------------------------------------------------------------------------


async def attach(hub: Hub, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Add each issued label's signed credential to its entry; return the bundle fields to add (the status
    lists), or nothing when the bundle carries no label."""
    labels = [label for e in entries for label in e.get("labels", ())]
    if not labels:
        return {}
    issued = [label for label in labels if label.get("serial")]
    for attempt in range(SIGN_ATTEMPTS):
        try:
            await _sign(hub, issued)
            break
        except IntegrityError:
            # A credential signed for the first time is an audit event; on SQLite an append that is its
            # transaction's first write can race another (peers syncing at once): the loser signs again, and
            # finds the winner's credentials stored.
            if attempt == SIGN_ATTEMPTS - 1:
                raise
    # After the credentials: a credential signed just now makes the stored lists stale, and they are rebuilt.
    return {STATUS_LISTS: [await credentials.list_credential(hub, purpose) for purpose in PURPOSES]}


async def _sign(hub: Hub, issued: list[dict[str, Any]]) -> None:
    """Each label's credential: the stored one, or signed now (hub/credentials/vc.py), in one transaction."""
    if not issued:
        return
    async with unit_of_work(hub.sessions) as session:
        rows = await session.execute(select(Label.iri, Label.id).where(Label.iri.in_([x["@id"] for x in issued])))
        ids = {iri: key for iri, key in rows}
        now = hub.clock.now()
        for label in issued:
            label["credential"] = await credential_for(
                session, hub.identity, hub.settings.public_base_url, ids[label["@id"]], now
            )


# -- the receiving hub --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingLabel:
    iri: str
    footprint_iri: str
    serial: str
    status: str
    scheme: str
    grade: str | None
    score: float | None
    issued_on: date
    expires_on: date
    credential: str  # as received
    verification: dict[str, Any]


@dataclass
class Received:
    """The labels of one bundle, checked: ready to store in the transaction that writes its records."""

    origin: Peer
    as_of: datetime
    lists: dict[str, Any]
    did_document: Mapping[str, Any]
    labels: list[IncomingLabel] = field(default_factory=list)
    notices: dict[str, str] = field(default_factory=dict)  # label IRI -> its new status (no credential)
    # The status lists' proofs, checked once (verify.py's cache, keyed by URL and content hash): storing, in
    # the write transaction, then only reads their bits.
    checked: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)
    # This hub's recognition decision per label IRI, made before the write transaction (`decide`).
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def status_list(self, url: str) -> Mapping[str, Any] | None:
        return self.lists.get(url)

    def dids(self, did: str) -> Mapping[str, Any] | None:
        return self.did_document if did == self.origin.did else None


def _refuse(errors: list[FieldError]) -> InvalidInput:
    return InvalidInput(errors)


def _carried(bundle: Mapping[str, Any]) -> bool:
    return STATUS_LISTS in bundle or any(isinstance(e, Mapping) and e.get("labels") for e in bundle.get("records", ()))


async def check(hub: Hub, bundle: Mapping[str, Any], origin: Peer, http: httpx.AsyncClient) -> Received | None:
    """Every label of the bundle verified against the origin's key (InvalidInput naming each bad one), or None
    when the bundle carries no label. The bundle's own proof has been verified before."""
    if not _carried(bundle):
        return None
    try:
        did_document = await fetch_did_document(http, origin.base_url, origin.did)
    except PeerError as error:
        raise _refuse(
            [FieldError("$.records.labels", f"the origin's DID document could not be read: {error}")]
        ) from None
    lists, checked = _lists(bundle, origin, did_document)
    created = datetime.fromisoformat(str(bundle["created_at"]).replace("Z", "+00:00"))
    received = Received(origin, created, lists, did_document, checked=checked)
    problems: list[FieldError] = []
    for i, entry in enumerate(bundle["records"]):
        for j, label in enumerate(entry.get("labels", ()) if isinstance(entry, Mapping) else ()):
            where = f"$.records[{i}].labels[{j}]"
            if "credential" not in label:
                if label.get("serial"):
                    problems.append(FieldError(where, "an issued label must carry its credential"))
                else:
                    received.notices[str(label["@id"])] = str(label["status"])
                continue
            if entry.get("provenance", {}).get("source_hub") != origin.did:
                problems.append(FieldError(where, "a label travels only from the hub that issued it"))
                continue
            found, reasons = await _incoming(label, entry, received, created)
            problems += [FieldError(where, reason) for reason in reasons]
            if found is not None:
                received.labels.append(found)
    if problems:
        raise _refuse(problems)
    return received


def _lists(
    bundle: Mapping[str, Any], origin: Peer, did_document: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[tuple[str, str], tuple[bool, str]]]:
    """The origin's status list credentials by URL, each signed by the origin, and their checked proofs."""
    raw = bundle.get(STATUS_LISTS)
    if not isinstance(raw, list):
        raise _refuse([FieldError(f"$.{STATUS_LISTS}", "a bundle carrying labels must carry its status lists")])
    out: dict[str, Any] = {}
    checked: dict[tuple[str, str], tuple[bool, str]] = {}
    problems: list[FieldError] = []
    for i, listed in enumerate(raw):
        where = f"$.{STATUS_LISTS}[{i}]"
        if not isinstance(listed, Mapping) or issuer_of(listed) != origin.did or not isinstance(listed.get("id"), str):
            problems.append(FieldError(where, f"must be a status list credential issued by {origin.did}"))
            continue
        ok, detail = check_proof(listed, lambda did: did_document if did == origin.did else None)
        if not ok:
            problems.append(FieldError(where, f"does not verify against the origin's key: {detail}"))
            continue
        out[listed["id"]] = listed
        checked[(listed["id"], hashlib.sha256(orjson.dumps(listed, option=orjson.OPT_SORT_KEYS)).hexdigest())] = (
            ok,
            detail,
        )
    if problems:
        raise _refuse(problems)
    return out, checked


async def _incoming(
    label: Mapping[str, Any], entry: Mapping[str, Any], received: Received, created: datetime
) -> tuple[IncomingLabel | None, list[str]]:
    credential = label["credential"]
    origin = received.origin.did
    if not isinstance(credential, Mapping) or issuer_of(credential) != origin:
        issuer = issuer_of(credential) if isinstance(credential, Mapping) else None
        return None, [f"credential: issued by {issuer!r}, not by the hub that sent it ({origin})"]
    report = await verify_credential(credential, received.dids, received.status_list, created, received.checked)
    failed = [c for c in report.checks if not c.ok and c.check != "validity"]
    if failed:
        return None, [f"credential: {c.check}: {c.detail}" for c in failed]
    mismatch = _disagreement(label, entry, credential)
    if mismatch:
        return None, mismatch
    subject = credential["credentialSubject"]["carbonLabel"]
    score = subject.get("score")
    found = IncomingLabel(
        iri=str(label["@id"]),
        footprint_iri=str(entry["@id"]),
        serial=str(subject["serial"]),
        status=str(label["status"]),
        scheme=str(subject["scheme"]),
        grade=subject.get("grade"),
        score=None if score is None else float(score),
        issued_on=date.fromisoformat(subject["issuedOn"]),
        expires_on=date.fromisoformat(subject["expiresOn"]),
        credential=orjson.dumps(credential).decode("utf-8"),
        verification=report.as_json(),
    )
    return found, []


def _same_number(a: Any, b: Any) -> bool:
    try:
        return (a is None and b is None) or float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _disagreement(label: Mapping[str, Any], entry: Mapping[str, Any], credential: Mapping[str, Any]) -> list[str]:
    """What the label entry says that its (verified) credential does not: the credential is what the origin
    signed, so an entry that differs was changed on the way or made up."""
    subject = credential.get("credentialSubject")
    carbon = subject.get("carbonLabel") if isinstance(subject, Mapping) else None
    if not isinstance(carbon, Mapping) or not isinstance(carbon.get("footprint"), Mapping):
        return ["credential: its subject holds no carbonLabel with its footprint"]
    out = []
    pairs = {"@id": "id", "serial": "serial", "scheme": "scheme", "grade": "grade"}
    for mine, theirs in pairs.items():
        if label.get(mine) is not None and label.get(mine) != carbon.get(theirs):
            out.append(f"{mine}: {label.get(mine)!r} is not what its credential says ({carbon.get(theirs)!r})")
    for mine, theirs in {"issued_on": "issuedOn", "expires_on": "expiresOn"}.items():
        if label.get(mine) is not None and str(label[mine])[:10] != carbon.get(theirs):
            out.append(f"{mine}: {label.get(mine)!r} is not what its credential says ({carbon.get(theirs)!r})")
    if label.get("score") is not None and not _same_number(label["score"], carbon.get("score")):
        out.append(f"score: {label['score']!r} is not what its credential says ({carbon.get('score')!r})")
    if carbon["footprint"].get("id") != entry.get("@id"):
        out.append(f"credential: it labels footprint {carbon['footprint'].get('id')!r}, not {entry.get('@id')!r}")
    for name in ("serial", "scheme", "issuedOn", "expiresOn"):
        if not isinstance(carbon.get(name), str):
            out.append(f"credential: carbonLabel.{name} is missing")
    if not out:
        try:
            date.fromisoformat(carbon["issuedOn"]), date.fromisoformat(carbon["expiresOn"])
        except ValueError:
            out.append("credential: issuedOn and expiresOn must be days (YYYY-MM-DD)")
    return out


# -- storing, in the importer's transaction -----------------------------------------------------------------

# The facts a recognition rule set reads that come straight from one document field: absent field, absent fact
# (the decision then names it missing: a partner that did not share a field cannot be recognised on it).
_FACT_SOURCES = {
    "total_kgco2e": "total_kgco2e",
    "declared_unit": "declared_unit",
    "system_boundary": "system_boundary",
    "accounting_standards": "accounting_standards",
    "status": "status",
    "verified": "status",
    "reference_year": "reference_period_end",
    "age_years": "reference_period_end",
    "within_validity": "reference_period_end",
}


def partner_facts(document: Mapping[str, Any], on: date) -> dict[str, Any]:
    """The facts of a received footprint document, as `footprint_facts` makes them of a local one, without the
    facts whose fields the partner did not share (never a default in their place)."""
    raw = document.get("product")
    product: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    filled = {
        "total_kgco2e": 0.0,
        "declared_unit": "",
        "system_boundary": "",
        "accounting_standards": [],
        "status": "",
        "reference_period_end": "1970-01-01",
        **document,
        "product": {"category_code": None, **product},
    }
    facts = footprint_facts(filled, on, {"n": 0})
    fp = facts["fp"]
    for fact, source in _FACT_SOURCES.items():
        if document.get(source) is None:
            fp.pop(fact, None)
    return facts


def recognition(registry: Registry, region: Region, document: Mapping[str, Any] | None, on: date) -> dict[str, Any]:
    """This hub's mutual-recognition decision for a partner's footprint, by the rule set for the origin's
    region: outcome, the rule set, and each check with its text and result (the facts themselves stay out:
    they are the partner's data, which the public may not read)."""
    if document is None:
        return {"status": "undetermined", "recognised": None, "reasons": [], "missing_inputs": ["footprint"]}
    try:
        decision = registry.decide(RECOGNITION, region.value, partner_facts(document, on), on)
    except LookupError as error:
        return {"status": "error", "recognised": None, "reasons": [str(error)], "missing_inputs": []}
    passed = decision.outcome.get(decision.passed_key)
    checks = [
        {"rule": s["rule"], "text": s["text"], "result": s["result"]} for s in decision.steps if s["kind"] == "check"
    ]
    return {
        "status": decision.status,
        "recognised": passed if isinstance(passed, bool) else None,
        "reasons": list(decision.outcome.get("reasons") or []),
        "missing_inputs": list(decision.missing_inputs),
        "ruleset": decision.ruleset.to_dict(),
        "on": on.isoformat(),
        "checks": checks,
    }


async def _reverify(row: PartnerLabel, received: Received) -> None:
    """The stored credential's status read again from the newer status lists the origin sent (their proofs are
    checked; the credential's own proof was when it arrived, and it has not changed since)."""
    credential = orjson.loads(row.credential)
    kept = [c for c in row.verification.get("checks", []) if not str(c.get("check")).startswith("status")]
    report = Report([Check(str(c["check"]), bool(c["ok"]), str(c["detail"])) for c in kept])
    entries = credential.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        purpose, ok, detail, bit = await check_status(
            credential, entry, received.dids, received.status_list, received.checked
        )
        report.add(f"status:{purpose}", ok, detail)
        report.status[purpose] = bit
    row.verification = report.as_json()
    row.status_lists = received.lists
    row.status_as_of = received.as_of


def _same(row: PartnerLabel, label: IncomingLabel, received: Received) -> bool:
    return row.status_as_of == received.as_of and row.credential == label.credential and row.status == label.status


def decide(received: Received, documents: Mapping[str, Mapping[str, Any]], registry: Registry, on: date) -> None:
    """The recognition decision of each received label's footprint (its checked ZJ document), kept on
    `received`: made outside the transaction that stores them, which should hold its write lock briefly."""
    for label in received.labels:
        document = documents.get(label.footprint_iri)
        received.decisions[label.iri] = recognition(registry, received.origin.region, document, on)


async def store(session: AsyncSession, received: Received, bundle_iri: str, now: datetime) -> int:
    """Upsert the bundle's labels, apply its status notices and its status lists to every label of the origin
    held here. Nothing older than what is held replaces it (a replayed bundle cannot undo a revocation).
    Returns how many labels were written."""
    origin = received.origin
    held = {
        row.iri: row
        for row in (await session.scalars(select(PartnerLabel).where(PartnerLabel.origin_did == origin.did))).all()
    }
    written = 0
    for label in received.labels:
        row = held.get(label.iri)
        if row is not None and (row.status_as_of > received.as_of or _same(row, label, received)):
            continue  # older than what is held, or the very same (a bundle imported twice changes nothing)
        values = {
            "footprint_iri": label.footprint_iri,
            "serial": label.serial,
            "status": label.status,
            "scheme": label.scheme,
            "grade": label.grade,
            "score": label.score,
            "issued_on": label.issued_on,
            "expires_on": label.expires_on,
            "credential": label.credential,
            "status_lists": received.lists,
            "status_as_of": received.as_of,
            "verification": label.verification,
            "recognition": received.decisions[label.iri],
            "bundle_iri": bundle_iri,
            "received_at": now,
        }
        if row is None:
            row = PartnerLabel(iri=label.iri, origin_did=origin.did, origin_region=origin.region, **values)
            session.add(row)
            held[label.iri] = row
        else:
            for name, value in values.items():
                setattr(row, name, value)
        written += 1
    fresh = {label.iri for label in received.labels}
    for iri, row in held.items():
        if iri in fresh or row.status_as_of > received.as_of:
            continue
        notice = received.notices.get(iri)
        if notice is not None and notice != row.status:
            row.status = notice
            row.bundle_iri, row.received_at = bundle_iri, now
        elif row.status_as_of == received.as_of:
            continue  # nothing newer to learn from these lists
        await _reverify(row, received)
        written += 1
    await session.flush()
    return written


def displayed_status(status: str, verification: Mapping[str, Any]) -> str:
    """The status a person is shown: what the origin's status list says wins over the last status it sent."""
    raw = verification.get("status")
    bits: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if bits.get("revocation"):
        return "revoked"
    if bits.get("suspension"):
        return "suspended"
    return status


def documents_by_iri(incoming: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
    """The checked ZJ documents of a bundle's records, by IRI (the importer's `Incoming`)."""
    return {r.iri: r.document for r in incoming}

"""Checks a Verifiable Credential the way a buyer's or a bank's verifier would: shape, proof, issuer, validity
and status, each a named check with a sentence, so a refusal says which part failed and why.

Nothing here fetches anything: the issuer's DID document comes from `dids` (the hub's own did.json and the
DID documents it was told about), a status list credential from `status_lists` (the hub's own lists from its
database; the command line may add fetching others). A public endpoint that fetched URLs named in a posted
credential would let anyone make the hub call any address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from hub.credentials.status_list import bit_at, decode_bits
from hub.integrity.contexts import VC_V2
from hub.integrity.identity import DidError, key_resolver
from hub.integrity.proofs import verify_proof

# A DID to its DID document, None when unknown.
DidDocuments = Callable[[str], Mapping[str, Any] | None]
# A statusListCredential URL to the status list credential, None when the verifier may not or cannot get it.
StatusLists = Callable[[str], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class Check:
    check: str
    ok: bool
    detail: str


@dataclass
class Report:
    """What `verify_credential` found: verified only when every check passed and no status bit is set."""

    checks: list[Check] = field(default_factory=list)
    status: dict[str, bool] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, check: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(check, ok, detail))
        return ok

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": [{"check": c.check, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "status": self.status,
        }


def issuer_of(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


# RDF canonicalisation compares blank nodes (JSON objects without an id, list items) by permuting the ones it
# cannot tell apart: a few dozen alike ones take hours ("poison graphs"). A label credential has one (its
# proof); anything far past these bounds is refused before it is canonicalised.
MAX_BLANK_NODES = 16
MAX_DEPTH = 16


def _bounds(document: Mapping[str, Any]) -> str | None:
    """Depth and blank nodes within bounds, counted without recursion (@context is not data: skipped)."""
    blank, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nests deeper than {MAX_DEPTH} levels"
        if isinstance(value, Mapping):
            blank += "id" not in value and "@id" not in value
            blank += len(value["@list"]) if isinstance(value.get("@list"), list) else 0
            stack.extend((item, depth + 1) for key, item in value.items() if key != "@context")
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        if blank > MAX_BLANK_NODES:
            return f"holds more than {MAX_BLANK_NODES} nodes without an id (RDF canonicalisation would take too long)"
    return None


def _shape(document: Any) -> str | None:
    if not isinstance(document, Mapping):
        return "a credential is one JSON object"
    if (out_of_bounds := _bounds(document)) is not None:
        return out_of_bounds
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        return f"@context must be a list starting with {VC_V2} (a Verifiable Credential 2.0)"
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return "type must be a list holding VerifiableCredential"
    if issuer_of(document) is None:
        return "issuer must be a URL or an object with an id"
    if not isinstance(document.get("credentialSubject"), Mapping | list):
        return "credentialSubject is required"
    return None


def check_proof(document: Mapping[str, Any], dids: DidDocuments) -> tuple[bool, str]:
    """The proof verifies with a key the issuer's own DID document lists for assertions."""
    issuer = issuer_of(document)
    assert issuer is not None
    did_document = dids(issuer)
    if did_document is None:
        return False, f"the issuer {issuer} is not a DID this verifier knows (its own or one it was given)"
    try:
        resolve = key_resolver(did_document)
    except DidError as error:
        return False, f"the DID document of {issuer} cannot be read: {error}"
    proof = document.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    if isinstance(method, str) and method.partition("#")[0] != issuer:
        return False, f"the proof was made with {method}, a key of another DID than the issuer {issuer}"
    result = verify_proof(document, resolve)
    if not result.verified:
        return False, f"{result.failure}: {result.reason}"
    return True, f"signed by {result.verification_method}"


def check_validity(document: Mapping[str, Any], now: datetime) -> tuple[bool, str]:
    try:
        valid_from = _moment(document.get("validFrom"), "validFrom")
        valid_until = _moment(document.get("validUntil"), "validUntil")
    except ValueError as error:
        return False, str(error)
    if valid_from is not None and now < valid_from:
        return False, f"not valid before {document['validFrom']}"
    if valid_until is not None and now >= valid_until:
        return False, f"expired at {document['validUntil']}"
    return True, "within its validity period"


def _moment(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an XML Schema dateTime with a time zone, not {value!r}")
    return moment


async def check_status(
    document: Mapping[str, Any],
    entry: Any,
    dids: DidDocuments,
    status_lists: StatusLists,
    checked_lists: dict[tuple[str, str], tuple[bool, str]],
) -> tuple[str, bool, str, bool]:
    """One BitstringStatusListEntry: (purpose, checked, detail, bit set). `checked_lists` remembers the proof
    check of each status list credential (by URL and a hash of the whole document) for a caller verifying
    many credentials."""
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        return "status", False, "credentialStatus entries must be BitstringStatusListEntry objects", False
    purpose, url, index = entry.get("statusPurpose"), entry.get("statusListCredential"), entry.get("statusListIndex")
    if not isinstance(purpose, str) or not isinstance(url, str):
        return "status", False, "an entry needs statusPurpose and statusListCredential", False
    if not isinstance(index, str) or not index.isdigit() or len(index) > 9:
        return purpose, False, f"statusListIndex must be a non-negative integer as a string, not {index!r}", False
    listed = await status_lists(url)
    if listed is None:
        return purpose, False, f"the status list {url} is not one this verifier can read", False
    key = (url, hashlib.sha256(orjson.dumps(listed, option=orjson.OPT_SORT_KEYS)).hexdigest())
    if key not in checked_lists:
        checked_lists[key] = check_proof(listed, dids) if _shape(listed) is None else (False, "not a credential")
    ok, detail = checked_lists[key]
    if not ok:
        return purpose, False, f"the status list credential {url} does not verify: {detail}", False
    if issuer_of(listed) != issuer_of(document):
        return purpose, False, f"the status list {url} is issued by {issuer_of(listed)}, not the issuer", False
    subject = listed.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        return purpose, False, f"{url} is not a BitstringStatusList", False
    if subject.get("statusPurpose") != purpose:
        return purpose, False, f"{url} lists {subject.get('statusPurpose')!r}, not {purpose!r}", False
    try:
        bit = bit_at(decode_bits(str(subject.get("encodedList", ""))), int(index))
    except ValueError as error:
        return purpose, False, f"{url}: {error}", False
    return purpose, not bit, (f"{purpose} bit {index} is set" if bit else f"not in {purpose} (bit {index})"), bit


async def verify_credential(
    document: Any,
    dids: DidDocuments,
    status_lists: StatusLists,
    now: datetime,
    checked_lists: dict[tuple[str, str], tuple[bool, str]] | None = None,
) -> Report:
    """Every check of one credential. A caller verifying a batch passes one `checked_lists` dict to all, so
    each status list's proof is checked once, not once per credential."""
    checked_lists = {} if checked_lists is None else checked_lists
    report = Report()
    problem = _shape(document)
    if not report.add("shape", problem is None, problem or "a Verifiable Credential 2.0"):
        return report
    report.add("proof", *check_proof(document, dids))
    report.add("validity", *check_validity(document, now))
    entries = document.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries] if entries is not None else []:
        purpose, ok, detail, bit = await check_status(document, entry, dids, status_lists, checked_lists)
        report.add(f"status:{purpose}", ok, detail)
        report.status[purpose] = bit
    return report

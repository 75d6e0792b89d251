"""`GET /federation/changes?since=CURSOR&limit=N`: what changed for a peer since its cursor, as a signed bundle.

The cursor is a position in this hub's audit trail. Every change a peer can see (a footprint created, moved
along its statuses or withdrawn, a new version, a label issued, suspended or revoked, a decision made, a
bundle imported whose records may go on) appends an audit event in the transaction that makes it, and
appends take turns (hub/services/audit.py), so event ids grow in commit order: a cursor read now never skips
a change that commits later. A batch covers the events in (since, until], at most `limit` of them.

The answer is F1's bundle (hub/federation/bundles.py) narrowed to the footprints those events touch, read as
the peer's `regional_platform` caller under its agreement, plus a withdrawal notice (IRI, version and status
only) for each footprint withdrawn in the batch from a status the agreement granted, plus the imported records
whose policy lets them go on that an import in the batch wrote. The bundle carries `changes: {since, until,
head}` under its proof, so the receiver knows which cursor the batch ends at (hub/federation/sync.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken
from hub.bootstrap import Hub
from hub.db.models import AuditEvent, Decision, Footprint, ImportedRecord, Label
from hub.domain.codes import FootprintStatus, LabelStatus
from hub.exchange.documents import footprint_documents
from hub.exchange.mapped import narrowed
from hub.federation.bundles import RECORD_KIND, Scope, _entry, _map, build_bundle
from hub.mapping import Mapper
from hub.policy.access import Access
from hub.validation import FieldError, InvalidInput

DEFAULT_EVENTS = 1000
MAX_EVENTS = 10_000
MEDIA_TYPE = "application/ld+json"


@dataclass(frozen=True)
class Window:
    """The audit events (since, until] one batch covers; `head` is the newest event when it was read."""

    since: int
    until: int
    head: int


@dataclass(frozen=True)
class Withdrawal:
    id: int
    iri: str
    version: int
    withdrawn_from: str  # the status it had before


async def window(session: AsyncSession, since: int, limit: int) -> Window:
    head = await session.scalar(select(func.max(AuditEvent.id))) or 0
    if since > head:
        raise InvalidInput([FieldError("$.since", f"is past this hub's newest change ({head})")])
    last = await session.scalar(
        select(AuditEvent.id).where(AuditEvent.id > since).order_by(AuditEvent.id).offset(limit - 1).limit(1)
    )
    return Window(since, last if last is not None else head, head)


def _events(w: Window, record_type: str, action: str | None = None) -> Select[Any]:
    query = select(AuditEvent.record_iri).where(
        AuditEvent.id > w.since, AuditEvent.id <= w.until, AuditEvent.record_type == record_type
    )
    return query.where(AuditEvent.action == action) if action else query


def _label_events(w: Window) -> Select[Any]:
    """Label events that change what a peer reads: not the signing of a credential (hub/credentials/vc.py),
    which a label's first trip in a bundle causes (hub/federation/labels.py) and which changes nothing."""
    return _events(w, "Label").where(AuditEvent.action != "sign-credential")


def touched(w: Window) -> ColumnElement[bool]:
    """Footprints an event of the window names, or whose label or decision it names."""
    return or_(
        Footprint.iri.in_(_events(w, "Footprint")),
        Footprint.id.in_(select(Label.footprint_id).where(Label.iri.in_(_label_events(w)))),
        Footprint.id.in_(select(Decision.footprint_id).where(Decision.iri.in_(_events(w, "Decision")))),
    )


async def withdrawals(session: AsyncSession, w: Window) -> list[Withdrawal]:
    """Footprints withdrawn in the window and still withdrawn, with the status each was withdrawn from."""
    rows = await session.execute(
        select(Footprint.id, AuditEvent.record_iri, AuditEvent.detail, Footprint.version)
        .join(Footprint, Footprint.iri == AuditEvent.record_iri)
        .where(
            AuditEvent.id > w.since,
            AuditEvent.id <= w.until,
            AuditEvent.record_type == "Footprint",
            AuditEvent.action == f"status:{FootprintStatus.WITHDRAWN.value}",
            Footprint.status == FootprintStatus.WITHDRAWN,
        )
        .order_by(AuditEvent.id)
    )
    found = {iri: Withdrawal(i, str(iri), v, str((detail or {}).get("from", ""))) for i, iri, detail, v in rows}
    return list(found.values())


def _notices(hub: Hub, found: list[Withdrawal]) -> Any:
    """Withdrawal notices for the footprints withdrawn from a status the agreement granted: a peer learns of a
    withdrawal only of a record it could have received, with the fields it was granted then and the status
    `withdrawn` (so it maps like any record of its vocabulary)."""

    async def extra(mapper: Mapper | None, uid: str, access: Access) -> list[dict[str, Any]]:
        statuses = next(iter(access.agreements)).statuses
        shown = [w for w in found if not statuses or w.withdrawn_from in statuses]
        if not shown:
            return []
        async with hub.sessions() as session:
            documents = await footprint_documents(session, [w.id for w in shown])
        fields = access.readable_fields(RECORD_KIND)
        credit_code = "credit_code" in access.readable_fields("Organization")
        docs = [{**narrowed(doc, fields, credit_code), "status": FootprintStatus.WITHDRAWN.value} for doc in documents]
        data = await asyncio.to_thread(_map, mapper, docs)
        return [_entry(hub, w.iri, doc, d, mapper, [], uid) for w, doc, d in zip(shown, docs, data, strict=True)]

    return extra


@dataclass(frozen=True)
class LabelChange:
    label: str
    footprint: str
    status: str


# The label steps (hub/labels/machine.yaml) that take a label out of `issued`, as the audit trail names them.
LEAVE_ISSUED = ("suspend", "revoke", "expire", "supersede")


async def label_changes(session: AsyncSession, w: Window) -> list[LabelChange]:
    """Labels suspended, revoked, expired or superseded in the window from `issued` (the only status a peer
    reads a label in), and not issued again since: the peer may hold them as issued and must learn they no
    longer are."""
    rows = await session.execute(
        select(Label.iri, Footprint.iri, Label.status, AuditEvent.detail)
        .join(Label, Label.iri == AuditEvent.record_iri)
        .join(Footprint, Footprint.id == Label.footprint_id)
        .where(
            AuditEvent.id > w.since,
            AuditEvent.id <= w.until,
            AuditEvent.record_type == "Label",
            AuditEvent.action.in_([f"label:{step}" for step in LEAVE_ISSUED]),
            Label.status != LabelStatus.ISSUED,
        )
        .order_by(AuditEvent.id)
    )
    found = {
        label: LabelChange(label, footprint, LabelStatus(status).value)
        for label, footprint, status, detail in rows
        if (detail or {}).get("from") == LabelStatus.ISSUED.value
    }
    return list(found.values())


def _label_notices(changes: list[LabelChange]) -> Any:
    """Add each changed label's notice to its footprint's entry, where the bundle carries that footprint (that
    is, where the peer may read it now)."""

    def amend(entries: list[dict[str, Any]]) -> None:
        by_iri = {e["@id"]: e for e in entries if "labels" in e}
        for change in changes:
            entry = by_iri.get(change.footprint)
            if entry is not None and all(label["@id"] != change.label for label in entry["labels"]):
                entry["labels"].append({"@id": change.label, "status": change.status})

    return amend


async def changes_bundle(hub: Hub, region: str, since: int, limit: int = DEFAULT_EVENTS) -> dict[str, Any]:
    """The signed bundle of what changed for peer `region` in the next batch after cursor `since`."""
    async with hub.sessions() as session:
        w = await window(session, since, limit)
        found = await withdrawals(session, w)
        labels = await label_changes(session, w)
    imports = _events(w, "DatasetBundle", "import")
    scope = Scope(
        footprints=(touched(w),),
        onward=(ImportedRecord.bundle_iri.in_(imports),),
        extra=_notices(hub, found),
        header={"changes": {"since": w.since, "until": w.until, "head": w.head}},
        labels=True,
        amend=_label_notices(labels),
    )
    return await build_bundle(hub, region, None, scope)


def _cursor(request: Request, name: str, default: int, upper: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 18 or not (0 <= int(raw) <= upper):
        raise InvalidInput([FieldError(f"$.{name}", f"must be a whole number from 0 to {upper}, not {raw[:40]!r}")])
    return int(raw)


async def _caller(hub: Hub, request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authorization must be 'Bearer <token>' (a peer's regional_platform client token)")
    return await hub.tokens.verify_active(token.strip())


def _problem(status: int, errors: list[FieldError], headers: dict[str, str] | None = None) -> Response:
    body = {"errors": [{"path": e.path, "reason": e.reason} for e in errors]}
    return JSONResponse(body, status_code=status, headers=headers)


async def changes(request: Request) -> Response:
    """Only a peer hub's regional_platform client may ask, and only for itself (its token's region)."""
    hub: Hub = request.app.state.hub
    try:
        caller = await _caller(hub, request)
    except InvalidToken as error:
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return _problem(401, [FieldError("$.authorization", str(error))], challenge)
    if caller.role is not Role.REGIONAL_PLATFORM or caller.region is None:
        return _problem(403, [FieldError("$.caller", "only a peer hub's regional_platform client may sync")])
    try:
        since = _cursor(request, "since", 0, 2**62)
        limit = _cursor(request, "limit", DEFAULT_EVENTS, MAX_EVENTS) or DEFAULT_EVENTS
    except InvalidInput as error:
        return _problem(400, error.errors)
    try:
        bundle = await changes_bundle(hub, caller.region, since, limit)
    except InvalidInput as error:
        status = 400 if any(e.path == "$.since" for e in error.errors) else 403
        return _problem(status, error.errors)
    return Response(orjson.dumps(bundle), media_type=MEDIA_TYPE)


routes = [Route("/federation/changes", changes, methods=["GET"], name="federation-changes")]

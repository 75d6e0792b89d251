"""Incremental sync: ask a peer for its changes since our cursor and apply them, batch by batch.

For each batch: a token from the peer's /oauth/token as the regional_platform client it registered for us,
`GET <peer>/federation/changes?since=<cursor>` (hub/federation/changes.py), then F1's importer (verify the
proof against the peer's DID, check every record, upsert all or nothing). The cursor is moved in the SAME
transaction that writes the batch's records, by compare-and-set on the position the batch started from: a
sync that fails or is killed part-way leaves neither records nor cursor moved, and the next run asks again
from the same cursor; two syncs of one peer at once cannot both apply the same batch.

The periodic job is `run_every` (what `cfhub sync PEER --every SECONDS` runs): one sync per period, a failed
round reported and retried at the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bootstrap import Hub
from hub.clock import clock_of
from hub.db.models import Peer, SyncCursor
from hub.federation.changes import MAX_EVENTS
from hub.federation.importer import ImportReport, Within, import_bundle, parse
from hub.federation.peers import PeerError, peer_for, peer_token, secret_path
from hub.validation import FieldError, InvalidInput

CHANGES_PATH = "/federation/changes"
Progress = Callable[[str], None]


@dataclass
class SyncReport:
    region: str
    start: int  # the cursor the run started from
    cursor: int  # the cursor it left
    batches: int = 0
    written: int = 0
    unchanged: int = 0
    batch_reports: list[ImportReport] = field(default_factory=list)


async def cursor_of(session: AsyncSession, peer: Peer) -> int:
    found = await session.scalar(select(SyncCursor.position).where(SyncCursor.peer_id == peer.id))
    return found or 0


def _credentials(hub: Hub, peer: Peer) -> tuple[str, str]:
    path = secret_path(hub.settings.key_dir, peer.region.value)
    if not peer.client_id or not path.exists():
        reason = f"no client at peer {peer.region.value} is known (cfhub peers add --client-id --client-secret)"
        raise InvalidInput([FieldError("$.client_id", reason)])
    return peer.client_id, path.read_text(encoding="utf-8").strip()


async def fetch_changes(http: httpx.AsyncClient, peer: Peer, token: str, since: int, limit: int) -> Any:
    url = f"{peer.base_url}{CHANGES_PATH}"
    try:
        answer = await http.get(
            url, params={"since": since, "limit": limit}, headers={"Authorization": f"Bearer {token}"}
        )
    except httpx.HTTPError as error:
        raise PeerError(f"{url} could not be reached: {error}") from None
    if answer.status_code != 200:
        raise PeerError(f"{url} answered HTTP {answer.status_code}: {answer.text[:500]}")
    return parse(answer.content)


def _batch(bundle: Any, since: int) -> Mapping[str, int]:
    """The batch's window, which must start at our cursor (a replayed or foreign batch is refused)."""
    changes = bundle.get("changes") if isinstance(bundle, Mapping) else None
    if not isinstance(changes, Mapping) or changes.get("since") != since:
        reason = f"is not a batch of changes since cursor {since}"
        raise InvalidInput([FieldError("$.changes", reason)])
    until = changes.get("until")
    if not isinstance(until, int) or until < since:
        raise InvalidInput([FieldError("$.changes.until", f"must be a cursor at or after {since}")])
    return changes


def advance(peer: Peer, since: int, until: int, bundle_iri: str, fault: Within | None = None) -> Within:
    """Move the peer's cursor from `since` to `until` in the applying transaction (compare-and-set)."""

    async def move(session: AsyncSession, report: ImportReport) -> None:
        if fault:
            await fault(session, report)
        now = clock_of(session).now()
        if since == 0 and await session.scalar(select(SyncCursor.id).where(SyncCursor.peer_id == peer.id)) is None:
            values = {"peer_id": peer.id, "position": until, "bundle_iri": bundle_iri, "synced_at": now}
            await session.execute(insert(SyncCursor), [values])
            return
        moved = await session.execute(
            update(SyncCursor)
            .where(SyncCursor.peer_id == peer.id, SyncCursor.position == since)
            .values(position=until, bundle_iri=bundle_iri, synced_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            reason = f"moved past {since} meanwhile (another sync of {peer.region.value} applied this batch)"
            raise InvalidInput([FieldError("$.cursor", reason)])

    return move


async def sync_peer(
    hub: Hub,
    region: str,
    http: httpx.AsyncClient,
    progress: Progress | None = None,
    limit: int = 1000,
    fault: Within | None = None,
) -> SyncReport:
    """Apply the peer's changes since our cursor until we reach its head (InvalidInput or PeerError on failure:
    every batch before the failing one stays applied, the failing one not at all)."""
    async with hub.sessions() as session:
        peer = await peer_for(session, region.upper())
        start = await cursor_of(session, peer)
    client_id, secret = _credentials(hub, peer)
    token = await peer_token(http, peer.base_url, client_id, secret)
    report = SyncReport(peer.region.value, start, start)
    while True:
        bundle = await fetch_changes(http, peer, token, report.cursor, min(limit, MAX_EVENTS))
        window = _batch(bundle, report.cursor)
        move = advance(peer, report.cursor, window["until"], str(bundle.get("@id")), fault)
        applied = await import_bundle(hub, bundle, http, within=move, ties_win=True)
        report.batches += 1
        report.written += applied.written
        report.unchanged += applied.unchanged
        report.batch_reports.append(applied)
        report.cursor = window["until"]
        if progress:
            progress(
                f"{peer.region.value}: cursor {report.cursor} of {window['head']}: {applied.inserted} new, "
                f"{applied.updated} updated, {applied.unchanged} unchanged, {applied.kept_newer} kept newer"
            )
        if report.cursor >= window["head"]:
            return report


async def run_every(
    hub: Hub,
    region: str,
    seconds: float,
    http: httpx.AsyncClient,
    progress: Progress,
    rounds: int | None = None,
) -> int:
    """The periodic job: sync `region` every `seconds` (after each round ends), `rounds` times or forever.
    A failed round is reported and the next round retries from the cursor it left. Returns failed rounds."""
    failed, done = 0, 0
    while rounds is None or done < rounds:
        try:
            await sync_peer(hub, region, http, progress)
        except (InvalidInput, PeerError) as error:
            failed += 1
            progress(f"{region}: sync failed, retried in {seconds:g} s: {error}")
        done += 1
        if rounds is None or done < rounds:
            await asyncio.sleep(seconds)
    return failed

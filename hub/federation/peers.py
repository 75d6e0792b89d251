"""The hub's peers: partner hubs it gives data to and asks for data.

A peer is its region, base URL, did:web and the sharing agreement (one of ours, for its region) that governs
what it may receive. To ask a peer anything, this hub acts as the `regional_platform` OAuth client the peer
registered for it: the client id is stored with the peer, the secret in a file beside the hub's keys
(`Settings.key_dir / "peer-credentials" / "<REGION>.secret"`, mode 0600), never in the database or the repo,
so the peer's own policy and agreement decide what it answers (`peer_token`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Role
from hub.clock import clock_of
from hub.db.models import Peer, SharingAgreement
from hub.domain.codes import Region
from hub.integrity.identity import DidError, did_web, key_resolver
from hub.integrity.proofs import KeyResolver
from hub.services import audit
from hub.validation import FieldError, InvalidInput

CREDENTIALS_FOLDER = "peer-credentials"
DID_PATH = "/.well-known/did.json"
TOKEN_PATH = "/oauth/token"


@dataclass(frozen=True)
class PeerInput:
    """What `cfhub peers add` is given: the DID defaults to the did:web of the base URL."""

    region: str
    base_url: str
    did: str | None = None
    agreement_iri: str | None = None
    client_id: str | None = None
    # The usage policy the peer's bundles carry (hub/federation/odrl.py); by default the strictest.
    read_by: tuple[str, ...] = ("regulator",)
    onward_transfer: bool = False
    retention_days: int | None = 365


class PeerError(RuntimeError):
    """A peer that could not be reached or answered wrongly; the message names the peer and why."""


def _problems(data: PeerInput, own_region: Region) -> list[FieldError]:
    found: list[FieldError] = []
    if data.region not in {r.value for r in Region}:
        found.append(FieldError("$.region", f"is not a region: {data.region!r} (one of {', '.join(Region)})"))
    elif data.region == own_region.value:
        found.append(FieldError("$.region", f"is this hub's own region ({own_region.value}); a peer is another hub"))
    try:
        expected = did_web(data.base_url)
    except DidError as error:
        return [*found, FieldError("$.base_url", str(error).replace("CFHUB_PUBLIC_BASE_URL", "the base URL"))]
    if data.did is not None and data.did != expected:
        found.append(FieldError("$.did", f"must be the did:web of the base URL ({expected}), not {data.did!r}"))
    if data.client_id is not None and not (0 < len(data.client_id) <= 64):
        found.append(FieldError("$.client_id", "must be 1 to 64 characters"))
    roles = {r.value for r in Role} - {Role.PUBLIC.value}
    found += [
        FieldError(
            f"$.read_by[{i}]", f"is not a role that reads on a hub: {role!r} (one of {', '.join(sorted(roles))})"
        )
        for i, role in enumerate(data.read_by)
        if role not in roles
    ]
    if not data.read_by:
        found.append(FieldError("$.read_by", "must name at least one role (who on the peer may read the records)"))
    if data.retention_days is not None and not (1 <= data.retention_days <= 36_500):
        found.append(FieldError("$.retention_days", "must be 1 to 36500 days (or absent: no limit)"))
    return found


async def _agreement(session: AsyncSession, iri: str | None, region: str) -> SharingAgreement | None:
    if iri is None:
        return None
    found = await session.scalar(select(SharingAgreement).where(SharingAgreement.iri == iri))
    if found is None:
        raise InvalidInput([FieldError("$.agreement_iri", f"names no sharing agreement on this hub: {iri}")])
    if found.region.value != region:
        reason = f"is an agreement with {found.region.value}, not with the peer's region {region}"
        raise InvalidInput([FieldError("$.agreement_iri", reason)])
    return found


async def add_peer(session: AsyncSession, data: PeerInput, own_region: Region, actor: str) -> Peer:
    """Register a peer (one per region); refused, naming the field, if anything is wrong or it is known."""
    found = _problems(data, own_region)
    if found:
        raise InvalidInput(found)
    base_url = data.base_url.rstrip("/")
    did = data.did or did_web(base_url)
    clash = await session.scalar(select(Peer).where((Peer.region == data.region) | (Peer.did == did)))
    if clash is not None:
        raise InvalidInput([FieldError("$.region", f"a peer for {clash.region.value} ({clash.did}) is already known")])
    agreement = await _agreement(session, data.agreement_iri, data.region)
    peer = Peer(
        region=Region(data.region),
        base_url=base_url,
        did=did,
        agreement_id=agreement.id if agreement else None,
        client_id=data.client_id,
        read_by=list(dict.fromkeys(data.read_by)),
        onward_transfer=data.onward_transfer,
        retention_days=data.retention_days,
        added_at=clock_of(session).now(),
        added_by=actor,
    )
    session.add(peer)
    await session.flush()
    detail = {"region": data.region, "did": did, "agreement": data.agreement_iri}
    await audit.record(session, actor, "add", "Peer", did, detail)
    return peer


async def remove_peer(session: AsyncSession, region: str, actor: str) -> Peer:
    peer = await peer_for(session, region)
    await session.delete(peer)
    await audit.record(session, actor, "remove", "Peer", peer.did, {"region": peer.region.value})
    return peer


async def peer_for(session: AsyncSession, region: str) -> Peer:
    """The peer of `region`; InvalidInput naming the region when there is none."""
    peer = await session.scalar(select(Peer).where(Peer.region == region)) if region in set(Region) else None
    if peer is None:
        raise InvalidInput([FieldError("$.region", f"no peer hub for region {region!r} is known here")])
    return peer


async def peer_by_did(session: AsyncSession, did: str) -> Peer | None:
    return await session.scalar(select(Peer).where(Peer.did == did))


@dataclass(frozen=True)
class PeerView:
    """A peer as `cfhub peers list` shows it (and as F2's federated queries read it)."""

    region: str
    base_url: str
    did: str
    agreement_iri: str | None
    client_id: str | None
    read_by: tuple[str, ...]
    onward_transfer: bool
    retention_days: int | None


async def list_peers(session: AsyncSession) -> list[PeerView]:
    rows = await session.execute(
        select(Peer, SharingAgreement.iri)
        .outerjoin(SharingAgreement, SharingAgreement.id == Peer.agreement_id)
        .order_by(Peer.region)
    )
    return [
        PeerView(
            p.region.value, p.base_url, p.did, iri, p.client_id, tuple(p.read_by), p.onward_transfer, p.retention_days
        )
        for p, iri in rows
    ]


# -- credentials we hold at the peer's token endpoint ------------------------------------------------------


def secret_path(key_dir: Path, region: str) -> Path:
    return key_dir / CREDENTIALS_FOLDER / f"{region}.secret"


def store_secret(key_dir: Path, region: str, secret: str) -> Path:
    """Keep our client secret at a peer, readable by this user only (written under a temporary name first)."""
    path = secret_path(key_dir, region)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret)
    os.replace(partial, path)
    return path


def read_secret(key_dir: Path, region: str) -> str | None:
    try:
        return secret_path(key_dir, region).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def forget_secret(key_dir: Path, region: str) -> None:
    secret_path(key_dir, region).unlink(missing_ok=True)


async def peer_token(http: httpx.AsyncClient, base_url: str, client_id: str, secret: str) -> str:
    """A bearer token from the peer's /oauth/token (client credentials, HTTP Basic): we act there as the
    regional_platform client it registered for us, under its policy and agreement."""
    try:
        answer = await http.post(
            base_url + TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    except httpx.HTTPError as error:
        raise PeerError(f"{base_url}{TOKEN_PATH} could not be reached: {error}") from None
    if answer.status_code != 200:
        raise PeerError(f"{base_url}{TOKEN_PATH} refused client {client_id}: HTTP {answer.status_code} {answer.text}")
    token = answer.json().get("access_token")
    if not isinstance(token, str):
        raise PeerError(f"{base_url}{TOKEN_PATH} answered without an access_token")
    return token


async def fetch_did_document(http: httpx.AsyncClient, base_url: str, did: str) -> Mapping[str, Any]:
    """The peer's DID document from <base URL>/.well-known/did.json, which must be the document of `did`."""
    url = base_url + DID_PATH
    try:
        answer = await http.get(url)
    except httpx.HTTPError as error:
        raise PeerError(f"{url} could not be reached: {error}") from None
    if answer.status_code != 200:
        raise PeerError(f"{url} answered HTTP {answer.status_code}")
    document = answer.json()
    if not isinstance(document, dict) or document.get("id") != did:
        raise PeerError(f"{url} is not the DID document of {did}")
    return document


async def peer_keys(http: httpx.AsyncClient, base_url: str, did: str) -> KeyResolver:
    """The keys the peer vouches for (its DID document's assertion methods), as a proof verifier's resolver."""
    try:
        return key_resolver(await fetch_did_document(http, base_url, did))
    except DidError as error:
        raise PeerError(f"the DID document of {did}: {error}") from None

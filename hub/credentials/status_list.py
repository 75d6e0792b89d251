"""The Bitstring Status Lists of label credentials (W3C Bitstring Status List v1.0), one per purpose.

Bit i of the revocation list is set when the label whose credential holds index i is revoked; of the
suspension list, when it is suspended. The bits are never stored: a list is derived from the labels' status
when it is built, so it cannot drift from them. What is stored is a revision per list, bumped by
`on_label_status` in the transaction that changes a label (so it commits or rolls back with the change), and
the signed list credential with the revision it was built at; a list whose revision moved on is rebuilt and
signed again on the next read.
"""

from __future__ import annotations

import base64
import gzip
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.credentials.vc import LIST_LENGTH, PURPOSES, status_list_url
from hub.db.models import Label, LabelCredential, StatusList
from hub.domain.codes import LabelStatus
from hub.integrity.contexts import VC_V2
from hub.integrity.identity import HubIdentity
from hub.integrity.proofs import EDDSA_RDFC_2022, xsd_datetime

# Which label status sets the bit of which list.
# A superseded label (its footprint has a newer published version) speaks no more for the product: its
# credential is revoked like a revoked label's. An expired one needs no bit: its `validUntil` has passed.
STATUS_OF_PURPOSE = {
    "revocation": (LabelStatus.REVOKED, LabelStatus.SUPERSEDED),
    "suspension": (LabelStatus.SUSPENDED,),
}


async def on_label_status(session: AsyncSession, label: Label) -> None:
    """The hook of the label services: a label's status changed in this transaction, so both lists are stale.

    The UPDATE takes the row's lock until commit: a list read after the change commits is rebuilt."""
    del label  # which label does not matter: a list is rebuilt whole
    for purpose in PURPOSES:
        await _bump(session, purpose)


async def _bump(session: AsyncSession, purpose: str) -> None:
    stmt = update(StatusList).where(StatusList.purpose == purpose).values(revision=StatusList.revision + 1)
    result = await session.execute(stmt.execution_options(synchronize_session=False))
    if cast(CursorResult[Any], result).rowcount:
        return
    try:
        async with session.begin_nested():
            session.add(StatusList(purpose=purpose, revision=1))
    except IntegrityError:  # another transaction made the row first
        await session.execute(stmt.execution_options(synchronize_session=False))


async def revisions(session: AsyncSession) -> tuple[tuple[str, int], ...]:
    """The revision of each stored list: it moves on whenever a list's bits may have changed (`on_label_status`,
    a new credential's index), so a result computed from the lists is current while these are unchanged."""
    rows = await session.execute(select(StatusList.purpose, StatusList.revision).order_by(StatusList.purpose))
    return tuple((str(purpose), int(revision)) for purpose, revision in rows)


def encode_bits(indexes: list[int], length: int = LIST_LENGTH) -> str:
    """The encodedList: bit i (the first bit is the most significant bit of the first byte) set for each index,
    GZIP-compressed, base64url without padding, with the multibase prefix `u`."""
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    """The bitstring of an encodedList (raises ValueError when it is not one)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (starting with 'u')")
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as error:
        raise ValueError(f"encodedList is not GZIP-compressed: {error}") from None


def bit_at(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"statusListIndex {index} is outside the list (0 to {len(bits) * 8 - 1})")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


async def _set_indexes(session: AsyncSession, purpose: str) -> list[int]:
    rows = await session.scalars(
        select(LabelCredential.status_index)
        .join(Label, Label.id == LabelCredential.label_id)
        .where(Label.status.in_(STATUS_OF_PURPOSE[purpose]))
    )
    return list(rows)


def list_credential(issuer: str, public_base_url: str, purpose: str, encoded: str, now: datetime) -> dict[str, Any]:
    url = status_list_url(public_base_url, purpose)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }


async def status_list_credential(
    session: AsyncSession, identity: HubIdentity, public_base_url: str, purpose: str, now: datetime
) -> dict[str, Any]:
    """The signed status list credential of `purpose`: the stored one while it is current, else rebuilt now."""
    if purpose not in STATUS_OF_PURPOSE:
        raise ValueError(f"status purpose must be one of {', '.join(PURPOSES)}, not {purpose!r}")
    row = await session.scalar(select(StatusList).where(StatusList.purpose == purpose))
    if row is not None and row.credential is not None and row.signed_revision == row.revision:
        return orjson.loads(row.credential)
    revision = row.revision if row is not None else 0  # read before the labels: a later change only rebuilds again
    encoded = encode_bits(await _set_indexes(session, purpose))
    signed = identity.sign(list_credential(identity.did, public_base_url, purpose, encoded, now), now, EDDSA_RDFC_2022)
    text = orjson.dumps(signed).decode("utf-8")
    if row is None:
        try:
            async with session.begin_nested():
                session.add(StatusList(purpose=purpose, revision=0, signed_revision=0, credential=text))
        except IntegrityError:
            pass  # another reader stored one first; ours is as current
    else:
        await session.execute(
            update(StatusList)
            .where(StatusList.id == row.id, StatusList.revision == revision)
            .values(signed_revision=revision, credential=text)
            .execution_options(synchronize_session=False)
        )
    return signed

"""A label's Verifiable Credential: built from the label, its footprint and product, signed once by the hub's
did:web identity with eddsa-rdfc-2022, and kept (`LabelCredential`), so that every copy a holder prints or
passes on is the same document with the same proof.

The credential is signed when first asked for, not inside the issuing transaction: signing needs the hub's
identity, which the label services (handed only a session) do not hold, and a label nobody asked a credential
for has no holder whose copy could go stale. Its status is never in the credential itself: it is in the status
lists the credential points to, which change when the label does. Each signing is an audit event (the
hub's DID as the actor), so which key vouched for which label, and when, is on the record.
"""

from __future__ import annotations

import math
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Footprint, Label, LabelCredential, Product, StatusList
from hub.integrity.contexts import LABEL_V1, VC_V2
from hub.integrity.identity import HubIdentity
from hub.integrity.proofs import EDDSA_RDFC_2022
from hub.services import audit

CREDENTIAL_TYPE = "CarbonLabelCredential"
PURPOSES = ("revocation", "suspension")
# Bits per status list: 131,072 (16 KiB), the Bitstring Status List minimum, so a list hides which of many
# credentials a verifier asks about. Indexes are drawn at random; DRAWS draws find a free one while the list
# is less than about 70 % full (docs/credentials.md: a second list is the next step past that).
LIST_LENGTH = 131_072
DRAWS = 8


class CredentialError(RuntimeError):
    """A credential that cannot be issued (its label is gone, or the status list has no free index)."""


def credential_url(public_base_url: str, serial: str) -> str:
    return f"{public_base_url.rstrip('/')}/l/{serial}/credential.json"


def status_list_url(public_base_url: str, purpose: str) -> str:
    return f"{public_base_url.rstrip('/')}/status/labels/{purpose}"


def _midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _decimal(value: float) -> str:
    """A number as an xsd:decimal string, to 12 significant digits (a stored 11.461 reads back as
    11.460999999999999), never in exponent form: a JSON number would become an xsd:double, whose canonical
    form other JSON-LD processors may write differently."""
    if not math.isfinite(value):
        raise CredentialError(f"{value} is not a finite number")
    return format(Decimal(f"{value:.12g}").normalize(), "f")


def label_credential(
    label: Label, footprint: Footprint, product: Product, issuer: str, public_base_url: str, status_index: int
) -> dict[str, Any]:
    """The unsigned credential of a label: what a buyer or a consumer app verifies. Only a label that was
    issued (it has a serial and a validity period) has one."""
    serial, issued_on, expires_on = label.serial, label.issued_on, label.expires_on
    if serial is None or issued_on is None or expires_on is None:
        raise ValueError(f"label {label.iri} was never issued: it has no credential")
    list_entries = [
        {
            "id": f"{status_list_url(public_base_url, purpose)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(public_base_url, purpose),
        }
        for purpose in PURPOSES
    ]
    carbon_label: dict[str, Any] = {
        "id": label.iri,
        "type": "CarbonLabel",
        "serial": serial,
        "scheme": label.scheme,
        "grade": label.grade,
        "score": None if label.score is None else _decimal(label.score),
        "ruleSet": label.decided_by_ruleset,
        "ruleSetVersion": label.decided_by_ruleset_version,
        "issuedOn": issued_on.isoformat(),
        "expiresOn": expires_on.isoformat(),
        "footprint": {
            "id": footprint.iri,
            "type": "ProductCarbonFootprint",
            "footprintVersion": footprint.version,
            "value": _decimal(footprint.total_kgco2e),
            "unit": "kgCO2e",
            "declaredUnit": footprint.declared_unit,
            "declaredUnitAmount": _decimal(footprint.declared_unit_amount),
            "systemBoundary": footprint.system_boundary.value,
            "referencePeriodStart": footprint.reference_period_start.isoformat(),
            "referencePeriodEnd": footprint.reference_period_end.isoformat(),
        },
    }
    subject: dict[str, Any] = {
        "id": product.iri,
        "type": "LabelledProduct",
        "name": product.name,
        "gtin": product.gtin,
        "carbonLabel": {name: value for name, value in carbon_label.items() if value is not None},
    }
    return {
        "@context": [VC_V2, LABEL_V1],
        "id": credential_url(public_base_url, serial),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": _midnight(issued_on),
        "validUntil": _midnight(expires_on),
        "credentialSubject": {name: value for name, value in subject.items() if value is not None},
        "credentialStatus": list_entries,
    }


async def stored_credential(session: AsyncSession, label_id: int) -> dict[str, Any] | None:
    text = await session.scalar(select(LabelCredential.credential).where(LabelCredential.label_id == label_id))
    return None if text is None else orjson.loads(text)


async def credential_for(
    session: AsyncSession, identity: HubIdentity, public_base_url: str, label_id: int, now: datetime
) -> dict[str, Any]:
    """The label's signed credential: the stored one, or a new one signed now with a free status index.

    Two callers at once: the unique label_id lets one insert win; the other reads the winner's credential."""
    found = await stored_credential(session, label_id)
    if found is not None:
        return found
    row = (
        await session.execute(
            select(Label, Footprint, Product)
            .join(Footprint, Footprint.id == Label.footprint_id)
            .join(Product, Product.id == Footprint.product_id)
            .where(Label.id == label_id)
        )
    ).one_or_none()
    if row is None:
        raise CredentialError(f"label {label_id} does not exist")
    label, footprint, product = row
    for _ in range(DRAWS):
        index = secrets.randbelow(LIST_LENGTH)
        document = label_credential(label, footprint, product, identity.did, public_base_url, index)
        signed = identity.sign(document, now, cryptosuite=EDDSA_RDFC_2022)
        stored = LabelCredential(label_id=label_id, status_index=index, credential=_dumps(signed), issued_at=now)
        try:
            async with session.begin_nested():
                session.add(stored)
        except IntegrityError:
            found = await stored_credential(session, label_id)
            if found is not None:
                return found  # another caller signed it first
            continue  # the index was taken: draw again
        detail = {"statusIndex": index, "verificationMethod": signed["proof"]["verificationMethod"]}
        await audit.record(session, identity.did, "sign-credential", "Label", label.iri, detail)
        await _lists_stale(session)
        return signed
    raise CredentialError(f"no free status list index in {DRAWS} draws: the label status lists are nearly full")


async def _lists_stale(session: AsyncSession) -> None:
    """A new status index: a stored status list was built without it. A label suspended or revoked before anyone
    fetched its credential would otherwise keep verifying until the next label step rebuilt the lists."""
    await session.execute(
        update(StatusList).values(revision=StatusList.revision + 1).execution_options(synchronize_session=False)
    )


def _dumps(document: dict[str, Any]) -> str:
    return orjson.dumps(document).decode("utf-8")

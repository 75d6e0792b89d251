"""Every issued label is a W3C Verifiable Credential 2.0 served over real HTTP, its status in Bitstring Status
Lists that change with the label, and the hub's verifier (POST /vc/verify) sees the change."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import httpx
from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.db.models import AuditEvent, Label, LabelCredential
from hub.domain.codes import LabelStatus
from tests.api.fixtures import token
from tests.credentials.live import LiveHub


def test_an_issued_label_has_a_credential_that_verifies(live: LiveHub) -> None:
    serial = live.serials()[0]
    response = live.client.get(f"/l/{serial}/credential.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc"
    credential = response.json()
    did = live.client.get("/.well-known/did.json").json()
    assert credential["issuer"] == did["id"] == live.hub.identity.did
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] in did["assertionMethod"]
    label = credential["credentialSubject"]["carbonLabel"]
    assert (label["serial"], label["scheme"]) == (serial, "ZJ-PCF-LABEL")
    assert {"grade", "score", "ruleSet", "ruleSetVersion", "issuedOn", "expiresOn"} <= set(label)
    assert {"value", "unit", "declaredUnit"} <= set(label["footprint"])
    assert credential["validUntil"] == f"{label['expiresOn']}T00:00:00Z"
    assert [entry["statusPurpose"] for entry in credential["credentialStatus"]] == ["revocation", "suspension"]
    report = live.verify(credential)
    assert report["verified"], report
    assert report["status"] == {"revocation": False, "suspension": False}
    assert live.credential(serial) == credential, "signed once: every holder gets the same document"


def _list_bits(live: LiveHub, purpose: str) -> str:
    listed = live.client.get(f"/status/labels/{purpose}").json()
    assert live.verify(listed)["verified"], "the status list credential is itself a verifiable credential"
    return str(listed["credentialSubject"]["encodedList"])


def test_a_label_suspended_before_its_credential_was_first_fetched_shows_suspended(live: LiveHub) -> None:
    """The lists are cached until a label step; a credential signed later brings a new index, which the cached
    list does not hold: it must be rebuilt, or the suspended label's credential verifies."""
    serial = live.serials()[0]  # a hub of its own (function-scoped fixture): no credential fetched yet
    live.set_status(serial, LabelStatus.SUSPENDED)
    _list_bits(live, "suspension")  # built and stored now, before the label has a credential
    credential = live.credential(serial)  # signed now, with a new status index
    report = live.verify(credential)
    assert (report["verified"], report["status"]) == (False, {"revocation": False, "suspension": True})


def test_suspension_reinstatement_and_revocation_show_in_the_lists(live: LiveHub) -> None:
    serial, other = live.serials()[:2]
    credential, bystander = live.credential(serial), live.credential(other)
    before = {purpose: _list_bits(live, purpose) for purpose in ("revocation", "suspension")}

    live.set_status(serial, LabelStatus.SUSPENDED)
    report = live.verify(credential)
    assert not report["verified"]
    assert report["status"] == {"revocation": False, "suspension": True}
    assert _list_bits(live, "suspension") != before["suspension"]
    assert _list_bits(live, "revocation") == before["revocation"]
    assert live.verify(bystander)["verified"], "another label's credential is untouched"

    live.set_status(serial, LabelStatus.ISSUED)  # reinstated
    assert live.verify(credential)["verified"]
    assert _list_bits(live, "suspension") == before["suspension"]

    live.set_status(serial, LabelStatus.REVOKED)
    report = live.verify(credential)
    assert (report["verified"], report["status"]) == (False, {"revocation": True, "suspension": False})
    failed = [check for check in report["checks"] if not check["ok"]]
    assert [check["check"] for check in failed] == ["status:revocation"]


def test_revoke_label_mutation_reaches_the_list(live: LiveHub) -> None:
    """The GraphQL mutation a regulator uses, over HTTP: the hook in the label service runs on its path."""
    serial = live.serials()[0]
    credential = live.credential(serial)
    label_iri = credential["credentialSubject"]["carbonLabel"]["id"]
    bearer = token(live.hub, Role.REGULATOR)
    mutation = 'mutation($id: ID!) { revokeLabel(labelId: $id, reason: "misleading claim") { label { status } } }'
    body = live.client.post(
        "/graphql",
        json={"query": mutation, "variables": {"id": label_iri}},
        headers={"Authorization": f"Bearer {bearer}", "Accept": "application/graphql-response+json"},
    ).json()
    assert "errors" not in body, body
    assert live.verify(credential)["status"]["revocation"] is True


def test_a_suspended_labels_credential_stays_served_and_an_unknown_serial_says_nothing(live: LiveHub) -> None:
    """A label once issued stays public whatever its status (hub/labels: its page shows the banner), so its
    credential stays fetchable and a verifier learns the suspension from the status list; a serial the hub never
    issued is a 404 that says nothing about other serials."""
    serial = live.serials()[0]
    live.set_status(serial, LabelStatus.SUSPENDED)
    served = live.client.get(f"/l/{serial}/credential.json")
    assert served.status_code == 200
    assert live.client.get("/status/labels/suspension").status_code == 200
    missing = live.client.get("/l/ZJ-PCF-2025-0000000000/credential.json")
    other = live.client.get("/l/ZJ-PCF-2025-0000000001/credential.json")
    assert missing.status_code == other.status_code == 404
    assert missing.json()["error"].replace("ZJ-PCF-2025-0000000000", "X") == other.json()["error"].replace(
        "ZJ-PCF-2025-0000000001", "X"
    )
    assert live.client.get("/status/labels/expiry").status_code == 404


def test_twenty_first_requests_at_once_get_one_credential(live: LiveHub) -> None:
    serial = live.serials()[1]

    def fetch(_: int) -> Any:
        with httpx.Client(base_url=live.url, timeout=60) as client:
            response = client.get(f"/l/{serial}/credential.json")
            assert response.status_code == 200, response.text
            return response.json()

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        got = list(pool.map(fetch, range(20)))
    assert all(document == got[0] for document in got)

    async def stored(hub: Any) -> int:
        async with hub.sessions() as session:
            stmt = select(func.count()).select_from(LabelCredential).join(Label).where(Label.serial == serial)
            return int(await session.scalar(stmt) or 0)

    assert live._run(stored) == 1

    async def signings(hub: Any) -> list[Any]:
        async with hub.sessions() as session:
            stmt = select(AuditEvent).where(AuditEvent.action == "sign-credential")
            return list(await session.scalars(stmt))

    [event] = live._run(signings)
    assert (
        event.actor == live.hub.identity.did
        and event.detail["verificationMethod"] == got[0]["proof"]["verificationMethod"]
    )

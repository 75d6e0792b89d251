"""A label as anyone may see it, by its serial: the public page, the lookup for consumer apps and the credential
read it from here. Through hub/queries with the `public` role's policy, so it holds the public fields and nothing
else; a label never issued is not found, and a suspended, revoked or expired one is found with its status."""

from __future__ import annotations

from dataclasses import dataclass

from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub
from hub.db.models import Label, LabelEvent, Organization
from hub.queries.reader import Reader
from hub.queries.records import Record, fetch


@dataclass(frozen=True)
class PublicLabel:
    label: Record  # the public fields of the label (hub/policy/catalog.py, policy `public_label`)
    certifier: Record | None  # the certification body's public fields
    history: list[Record]  # its steps, oldest first: step, from and to status, day, reason


def public_reader(hub: Hub) -> Reader:
    """A reader for a caller without a token."""
    return Reader(hub.engine, hub.sessions, hub.policy, Principal(Role.PUBLIC), hub.rulesets, clock=hub.clock)


async def label_public_view(reader: Reader, serial: str) -> PublicLabel | None:
    """The label with this serial as `reader` (normally `public_reader(hub)`) may read it, or None."""
    found = await fetch(reader, "Label", Label.serial == serial, limit=1)
    if not found:
        return None
    [label] = found
    history = await fetch(reader, "LabelEvent", LabelEvent.label_id == label["_id"], order_by=[LabelEvent.id])
    certifier = None
    if label.get("certifier") is not None:
        bodies = await fetch(reader, "Organization", Organization.id == label["certifier"])
        certifier = bodies[0] if bodies else None
    return PublicLabel(label, certifier, history)

"""Usage policies that arrived with imported records (hub/federation/odrl.py), as the hub enforces them.

`may_transfer_onward` is the one test every path that gives records to another hub asks (bundle export, sync,
federated queries): a record the sending hub shared under "no onward transfer" never leaves this hub, and
neither does one whose retention has ended. This hub's own records are governed by its sharing agreements
instead, and always pass this test.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_

from hub.db.models import ImportedRecord


class Usage(Protocol):
    """What an imported record says about its onward use (an `ImportedRecord` row, or anything shaped so)."""

    @property
    def onward_transfer(self) -> bool: ...

    @property
    def retain_until(self) -> date | None: ...


def retained(record: Usage, today: date) -> bool:
    return record.retain_until is None or today <= record.retain_until


def may_transfer_onward(record: Usage | None, today: date) -> bool:
    """Whether `record` may be given to a third hub: None (a record of this hub's own) always may; an imported
    record only when its policy permits distribute and it is still within its retention."""
    return record is None or (record.onward_transfer and retained(record, today))


def onward_transferable(today: date) -> ColumnElement[bool]:
    """`may_transfer_onward` as a WHERE clause over imported records."""
    return and_(
        ImportedRecord.onward_transfer.is_(True),
        or_(ImportedRecord.retain_until.is_(None), ImportedRecord.retain_until >= today),
    )

"""The hub's verification reports of its own label credentials, kept between views of a label page.

Verifying a credential canonicalises it and its two status lists (RDFC-1.0) and checks three signatures: about
twenty times the cost of serving a static page. A report stays true as long as nothing it was computed from
changes, so it is kept under a key naming all of that:

- the label (its credential is signed once, on first read, and stored: hub/credentials/vc.py `credential_for`);
- the revision of each status list: `on_label_status` (a label's status changed, hub/labels/lifecycle.py
  `change`) and `credential_for` (a new credential took an index) bump them in the transaction of the change,
  so the next view after a suspension verifies again and sees it;
- the keys in the hub's key ring (a retired key stops verifying);
- the day in UTC: validity starts and ends at midnight UTC (hub/credentials/vc.py).

The cache lives on the `Hub` (hub/bootstrap.py), never in the process: two hubs in one process keep their own.
Only the hub's own stored credentials are kept; a credential posted to /vc/verify is verified every time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

# Enough for every label a hub issues in a year; an entry is a few hundred bytes.
DEFAULT_SIZE = 4096

Key = tuple[Hashable, ...]


@dataclass
class VerificationCache:
    """Least-recently-used reports by key; `computed` counts the reports made (the work a view did not save)."""

    size: int = DEFAULT_SIZE
    computed: int = 0
    _reports: OrderedDict[Key, dict[str, Any]] = field(default_factory=OrderedDict, repr=False)

    def get(self, key: Key) -> dict[str, Any] | None:
        found = self._reports.get(key)
        if found is not None:
            self._reports.move_to_end(key)
        return found

    def put(self, key: Key, report: dict[str, Any]) -> None:
        """Keep a report just computed (and count it)."""
        self.computed += 1
        self._reports[key] = report
        while len(self._reports) > self.size:
            self._reports.popitem(last=False)

    def clear(self) -> None:
        self._reports.clear()

"""Label pages kept on the Hub as rendered, until anything they show may have changed.

A view of `/l/{serial}` reads eight statements, verifies (or finds the kept report of) the label's credential and
renders a template: several times the cost of a static file. A rendered page stays true while nothing it was
made from changes, so it is kept under a key naming all of that, read in one small query per view:

- the serial and the language (and the form: HTML or JSON);
- the data version (migration 0020): database triggers bump it in every write transaction on the tables a page
  reads (footprint, product, product_category, organization, decision, label, label_event, ...), so a label
  suspended through any worker is shown suspended on the next view;
- the revisions of the credential status lists (hub/credentials/status_list.py `revisions`);
- the hub's identity key ids and the day in UTC (validity starts and ends at midnight UTC).

Only pages found are kept (never a 404, so nothing is learnt from what is kept). The cache lives on the `Hub`
(hub/bootstrap.py), never in the process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from hub.credentials import status_list
from hub.db.models import DataVersion

if TYPE_CHECKING:
    from hub.bootstrap import Hub

DEFAULT_SIZE = 2048  # pages of ~6 kB each: about 12 MB at most

Key = tuple[Hashable, ...]


@dataclass
class PageCache:
    """Least-recently-used rendered pages by key; `made` counts the pages rendered (the work views did not save)."""

    size: int = DEFAULT_SIZE
    made: int = 0
    _pages: OrderedDict[Key, bytes] = field(default_factory=OrderedDict, repr=False)

    def get(self, key: Key) -> bytes | None:
        found = self._pages.get(key)
        if found is not None:
            self._pages.move_to_end(key)
        return found

    def put(self, key: Key, body: bytes) -> None:
        self._pages[key] = body
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()


async def page_key(hub: Hub, form: str, serial: str, lang: str) -> Key:
    """The key under which the page `serial` in `lang` (`form`: html or json) is kept: what it was made from."""
    async with hub.sessions() as session:
        version = await session.scalar(select(DataVersion.version).limit(1))
        revisions = await status_list.revisions(session)
    return (form, serial, lang, version, revisions, tuple(hub.identity.ring.kids()), hub.clock.today())

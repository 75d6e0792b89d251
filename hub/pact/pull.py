"""The PACT data recipient: pull every footprint a supplier's PACT host lists for this hub, and store each as
a supplier footprint (hub/pact/supplier.py), page by page, each page in one transaction.

A record that fails the PACT schema or the mapping is refused with its reasons and the pull goes on; a host
that fails (unreachable, not PACT, a pagination that loops) ends the pull with what was stored so far kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from hub.bootstrap import Hub
from hub.pact.client import PactClient, PactHostError
from hub.pact.supplier import Outcome, store_pact_footprint
from hub.services.published import effective_catalog
from hub.services.uow import unit_of_work

DISCOVERY = "/.well-known/openid-configuration"


@dataclass
class PullReport:
    host: str
    counts: Counter[str] = field(default_factory=Counter)  # stored / unchanged / deprecated / refused
    refused: list[Outcome] = field(default_factory=list)
    footprint_ids: list[int] = field(default_factory=list)  # the local keys of what was stored or found
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "counts": dict(self.counts),
            "refused": [{"pactId": o.pact_id, "reasons": o.reasons} for o in self.refused],
            "error": self.error,
        }


async def token_url_of(http: httpx.AsyncClient, base_url: str) -> str:
    """The host's token endpoint from its OpenID discovery document; `<base>/auth/token` when it has none."""
    try:
        response = await http.get(f"{base_url}{DISCOVERY}")
        if response.status_code == 200:
            found = response.json().get("token_endpoint")
            if isinstance(found, str) and found.startswith(("http://", "https://")):
                return found
    except (httpx.HTTPError, ValueError, AttributeError):
        pass
    return f"{base_url}/auth/token"


async def store_all(hub: Hub, host: str, documents: list[Any], actor: str, report: PullReport) -> None:
    """Store one batch of PACT footprints in one transaction (each refused one is rolled back on its own)."""
    async with unit_of_work(hub.sessions) as session:
        catalog = await effective_catalog(session)
        for document in documents:
            outcome = await store_pact_footprint(session, host, document, actor, catalog)
            report.counts[outcome.kind] += 1
            if outcome.kind == "refused":
                report.refused.append(outcome)
            elif outcome.footprint_id is not None:
                report.footprint_ids.append(outcome.footprint_id)


async def pull(hub: Hub, client: PactClient, actor: str, limit: int = 100) -> PullReport:
    """List the host's footprints to the last page and store them; `actor` is who asked (provenance, audit)."""
    report = PullReport(client.base_url)
    try:
        async for page in client.footprint_pages(limit):
            await store_all(hub, client.base_url, page, actor, report)
    except PactHostError as error:
        report.error = str(error)
    return report

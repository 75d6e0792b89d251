"""Provenance: who makes a record, from which source, under which mapping and rule set."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hub.clock import SYSTEM_CLOCK, Clock
from hub.db.models import Provenance
from hub.domain.codes import SourceKind


@dataclass(frozen=True)
class Origin:
    actor: str  # the IRI of the organization (or system) acting
    source: SourceKind = SourceKind.DIRECT
    source_ref: str | None = None
    mapping_iri: str | None = None
    mapping_version: str | None = None
    ruleset_id: str | None = None
    ruleset_version: str | None = None
    # The hub's clock (Hub.clock): what "now" is when this origin stamps a record.
    clock: Clock = field(default=SYSTEM_CLOCK, compare=False, repr=False)

    def stamp(self, record: Provenance, now: datetime | None = None) -> None:
        """Stamp `record` as made by this origin at `now` (by default the origin's clock)."""
        record.created_at = now or self.clock.now()
        record.created_by = self.actor
        record.source = self.source
        record.source_ref = self.source_ref
        record.mapping_iri = self.mapping_iri
        record.mapping_version = self.mapping_version
        record.ruleset_id = self.ruleset_id
        record.ruleset_version = self.ruleset_version


def new_iri(base_iri: str, kind: str) -> str:
    """A fresh, stable IRI for a record of `kind` on this hub."""
    return f"{base_iri}{kind}/{uuid.uuid4()}"


def category_iri(base_iri: str, code: str) -> str:
    return f"{base_iri}category/{code}"

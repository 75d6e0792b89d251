"""Issue 9 item 4, the read side: a sharing agreement that lists nothing grants nothing.

An agreement row whose statuses, record kinds or fields are empty (or malformed: stored before the schema
refused them, or written by hand) must not open the hub to the partner platform: the platform reads
nothing through it, over real HTTP, and gets no error. A well-formed agreement still grants what it says
(the control, so the test cannot pass by granting nothing at all).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from hub.auth.principal import Role
from hub.db.models import Footprint, SharingAgreement
from hub.domain.codes import Region
from tests.api.conftest import Live
from tests.api.fixtures import gql, token
from tests.security import reads_live
from tests.security.reads_live import data

live_hub, db = reads_live.live_hub, reads_live.db  # the module's live hub and its database

READ_ALL = """{
  footprints(first: 100) { edges { node { id status decisions { kind } } } }
  products(first: 100) { edges { node { id } } }
  labels { id }
}"""

# What the demo's GBA agreement says; each case below empties (or breaks) one part of it.
GBA = {
    "record_kinds": ["Footprint", "Product", "Label", "Decision"],
    "statuses": ["published"],
    "fields": {"Footprint": ["status", "total_kgco2e", "decisions"], "Product": ["name"]},
}
CASES: dict[str, dict[str, Any]] = {
    "statuses-empty": {"statuses": []},
    "record-kinds-empty": {"record_kinds": []},
    "fields-empty": {"fields": {}},
    "fields-null": {"fields": None},
    "fields-a-list": {"fields": ["status"]},
    "fields-a-string": {"fields": {"Footprint": "status"}},
    "statuses-a-string": {"statuses": "published"},
}


def _set_gba(db: Engine, **values: Any) -> None:
    with db.begin() as conn:
        conn.execute(update(SharingAgreement).where(SharingAgreement.region == Region.GBA).values(**values))


def _read(live: Live) -> dict[str, Any]:
    return data(live, READ_ALL, token(live.hub, Role.REGIONAL_PLATFORM, "gba-platform"))


def test_a_well_formed_agreement_grants_what_it_lists(live_hub: Live, db: Engine) -> None:
    _set_gba(db, **GBA)
    got = _read(live_hub)
    statuses = {e["node"]["status"] for e in got["footprints"]["edges"]}
    assert statuses == {"published"}
    assert got["products"]["edges"]


@pytest.mark.parametrize("case", list(CASES))
def test_an_agreement_that_lists_nothing_grants_nothing(live_hub: Live, db: Engine, case: str) -> None:
    _set_gba(db, **{**GBA, **CASES[case]})
    got = _read(live_hub)
    assert got == {"footprints": {"edges": []}, "products": {"edges": []}, "labels": []}


def test_a_kind_listed_with_no_fields_is_not_readable(live_hub: Live, db: Engine) -> None:
    _set_gba(db, **{**GBA, "fields": {"Footprint": [], "Product": ["name"]}})
    got = _read(live_hub)
    assert got["footprints"]["edges"] == []
    assert got["products"]["edges"]  # the other kind keeps what it lists


def test_node_on_a_draft_under_an_empty_status_list_is_null(live_hub: Live, db: Engine) -> None:
    _set_gba(db, **{**GBA, "statuses": []})
    with db.connect() as conn:
        draft = conn.scalar(select(Footprint.iri).where(Footprint.status == "draft").limit(1))
    got = data(
        live_hub,
        "query($id: ID!) { node(id: $id) { id } }",
        token(live_hub.hub, Role.REGIONAL_PLATFORM, "gba-platform"),
        {"id": draft},
    )
    assert got == {"node": None}


def test_a_root_filter_on_a_field_the_agreement_leaves_out_is_refused(live_hub: Live, db: Engine) -> None:
    """`labels(status:)` filtered on Label.status even when the agreement hid it: which labels come back would
    tell the hidden status. Root filters go through `require_filterable` like the footprint search."""
    _set_gba(db, **{**GBA, "fields": {**GBA["fields"], "Label": ["scheme", "grade"]}})
    bearer = token(live_hub.hub, Role.REGIONAL_PLATFORM, "gba-platform")
    body = gql(live_hub.client, '{ labels(status: "issued") { grade } }', bearer).json()
    assert body["data"] is None or body["data"]["labels"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "may not filter Label records by status" in body["errors"][0]["message"]
    assert data(live_hub, "{ labels { grade } }", bearer)["labels"]  # unfiltered, it reads what it may

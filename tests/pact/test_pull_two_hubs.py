"""The PACT data recipient between two real hubs on loopback: the ZJ hub pulls from the GBA hub's PACT host
(client credentials, every page through `Link: rel="next"`), validates, maps into the ZJ vocabulary and stores
supplier footprints with their provenance; pulling again writes nothing; a footprint round-trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from hub.auth.principal import Principal, Role
from hub.db.models import Footprint, PactSupplierFootprint
from hub.domain.codes import SourceKind
from hub.mapping import load_catalog
from hub.mapping.functions import uuid_for
from hub.pact.answer import answer
from hub.pact.pull import pull
from tests.mapping.test_pact import _leaves, _same
from tests.pact.pact_hubs import Pair, two_hubs

# What the ZJ copy of a GBA footprint does not give back in PACT, though the import mapping does not report
# it lost, and why. Anything else that differs fails the test.
NOT_CARRIED = {
    "companyIds": "the owner's credit code (urn:cn:uscc:) is not taken from a host: it is unique on a hub, "
    "and a host could otherwise squat an enterprise's code before the enterprise registers it",
    "productDescription": "ZJ documents carry the product's name and model, not its description; the import "
    "maps the description, the export writes 'name (model)' when there is none, and the model is not imported",
    "pcf.productOrSectorSpecificRules": "approximated by the import (rule names kept, the operator's name not)",
}


def intl(pair: Pair) -> Principal:
    return Principal(Role.INTERNATIONAL_BODY, f"{pair.gba.settings.base_iri}org/intl-body", "INTL")


def regulator(pair: Pair) -> Principal:
    return Principal(Role.REGULATOR, f"{pair.zj.settings.base_iri}org/zj-regulator", "ZJ")


def _differences(sent: dict[str, Any], back: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    a, b = _leaves(sent), _leaves(back)
    return {
        k: (a.get(k), b.get(k))
        for k in set(a) | set(b)
        if not _same(a.get(k), b.get(k)) and k.split("[")[0] not in NOT_CARRIED
    }


async def _count(pair: Pair) -> int:
    async with pair.zj.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PactSupplierFootprint)) or 0)


async def test_zj_pulls_every_footprint_gba_shares_each_round_trips_and_pulling_again_writes_nothing(
    demo_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    async with two_hubs(demo_db_url, empty_db_url, tmp_path) as pair:
        shared = (await answer(pair.gba, intl(pair), {}, limit=None)).pfs
        assert len(shared) > 50  # more than two pages of 25
        async with httpx.AsyncClient(timeout=60) as http:
            report = await pull(pair.zj, pair.client(http), "https://zj.example/org/zj-buyer", limit=25)
        assert report.error is None and report.refused == []
        assert dict(report.counts) == {"stored": len(shared)}

        back = {pf["id"]: pf for pf in (await answer(pair.zj, regulator(pair), {}, limit=None)).pfs}
        assert set(back) == {pf["id"] for pf in shared}
        lost_by_mapping = load_catalog().get("pact", "import")
        for pf in shared:
            lost = {f for f, _ in lost_by_mapping.map(pf).lost}
            diff = {k: v for k, v in _differences(pf, back[pf["id"]]).items() if k.split("[")[0] not in lost}
            assert diff == {}, pf["id"]

        async with pair.zj.sessions() as session:
            row = await session.scalar(
                select(PactSupplierFootprint).where(PactSupplierFootprint.pact_id == shared[0]["id"])
            )
            assert row is not None
            footprint = await session.get_one(Footprint, row.footprint_id)
        assert row.host == pair.gba_url and row.pact_status == shared[0]["status"] and row.fetched_at is not None
        assert uuid_for(footprint.iri) == shared[0]["id"]
        assert footprint.source is SourceKind.IMPORT and footprint.created_by == "https://zj.example/org/zj-buyer"
        assert footprint.source_ref == f"{pair.gba_url}/3/footprints/{shared[0]['id']}"
        assert footprint.mapping_iri == "https://w3id.org/cfhub/mapping/pact-to-zj"

        stored = await _count(pair)
        async with httpx.AsyncClient(timeout=60) as http:
            again = await pull(pair.zj, pair.client(http), "test", limit=100)
        assert dict(again.counts) == {"unchanged": stored} and await _count(pair) == stored == len(shared)


async def test_a_host_that_refuses_the_credentials_ends_the_pull_with_its_answer(
    demo_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    async with two_hubs(demo_db_url, empty_db_url, tmp_path) as pair, httpx.AsyncClient(timeout=60) as http:
        client = pair.client(http)
        client.client_secret = "not-the-secret"
        report = await pull(pair.zj, client, "test")
        assert report.error is not None and "answered 401" in report.error and "invalid_client" in report.error
        assert report.counts == {} and await _count(pair) == 0

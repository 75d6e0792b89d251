"""The public role (no token): the category list, published labels, benchmarks, and nothing else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from hub.db.models import Footprint, Label
from hub.domain.codes import FootprintStatus


async def post(client: Any, query: str) -> Any:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


async def test_public_reads_the_whole_category_list(asgi: Any) -> None:
    async with asgi() as client:
        body = await post(client, "{ productCategories { code } }")
    codes = [c["code"] for c in body["data"]["productCategories"]]
    assert "errors" not in body
    assert len(codes) == 71 and codes[0] == "IND-01" and "KP-52" in codes


async def test_public_reads_benchmarks_but_no_footprint_product_factor_or_inventory(asgi: Any) -> None:
    async with asgi() as client:
        benchmarks = await post(client, "{ categoryBenchmarks { category { code } footprintCount meanKgco2e } }")
        records = await post(
            client,
            "{ footprints(first: 100) { edges { node { id } } } "
            "products(first: 100) { edges { node { id } } } "
            "emissionFactors(first: 100) { edges { node { id } } } "
            "datasets { id } sharingAgreements { id } }",
        )
    assert benchmarks["data"]["categoryBenchmarks"], "published footprints give benchmarks"
    data = records["data"]
    # footprints and products only behind a label page (docs/labels-public.md): the demo's labelled ones
    async with asgi() as client, client.hub.sessions() as session:
        labelled = set(
            await session.scalars(
                select(Footprint.iri).where(
                    or_(
                        Footprint.id.in_(select(Label.footprint_id).where(Label.serial.is_not(None))),
                        and_(
                            Footprint.status == FootprintStatus.PUBLISHED,
                            Footprint.product_id.in_(
                                select(Footprint.product_id).join(Label).where(Label.serial.is_not(None))
                            ),
                        ),
                    )
                )
            )
        )
    assert {edge["node"]["id"] for edge in data["footprints"]["edges"]} <= labelled and labelled
    assert data["emissionFactors"]["edges"] == []
    assert data["datasets"] == [] and data["sharingAgreements"] == []


async def test_public_reads_labels_once_issued_and_none_before(asgi: Any) -> None:
    from datetime import date

    from sqlalchemy import select

    from hub.db.models import Footprint
    from hub.domain.codes import FootprintStatus, LabelStatus
    from hub.labels.walk import walk
    from hub.services.uow import unit_of_work
    from tests.api.fixtures import label_cast

    async with asgi() as client:
        hub = client.hub
        async with unit_of_work(hub.sessions) as session:
            fp = await session.scalar(select(Footprint).where(Footprint.status == FootprintStatus.PUBLISHED))
            assert fp is not None
            cast = await label_cast(session, hub.settings, fp)
            today, base = date(2026, 1, 1), hub.settings.base_iri
            issued = await walk(session, fp, LabelStatus.ISSUED, cast, "ZJ-PCF", "ok", base, today)
            suspended = await walk(session, fp, LabelStatus.SUSPENDED, cast, "ZJ-PCF-EXPORT", "check", base, today)
            filed = await walk(session, fp, LabelStatus.FILED, cast, "ZJ-PCF-THIRD", "ok", base, today)
            grade = issued.grade
            fp_id = {"id": fp.iri}  # a labelled footprint: its label page shows it
        body = await post(client, "{ labels { id grade status statusReason footprint { id } } }")
    assert grade in {"A", "B", "C", "D", "E"}, "the label carries the rules engine's grade"
    public = body["data"]["labels"]  # the demo's own labels once issued, and these
    assert {"id": issued.iri, "grade": grade, "status": "issued", "statusReason": None, "footprint": fp_id} in public
    assert {
        "id": suspended.iri,
        "grade": suspended.grade,
        "status": "suspended",
        "statusReason": "check",
        "footprint": fp_id,
    } in public
    assert filed.iri not in {label["id"] for label in public}, "not issued yet: not public"

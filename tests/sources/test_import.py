"""Importing a source file: the regulator only, all or nothing, provenance stamped, the same file twice changes
nothing, and of 20 imports of one file at once exactly one writes it (issue 14 item 4)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from hub.auth.principal import Role
from hub.bootstrap import Hub
from hub.db.models import Base, Dataset, SourceRecord
from hub.domain.credit_code import check_character
from hub.policy.access import Forbidden
from hub.sources.demo import DEMO_DIR
from hub.sources.errors import SourceRefused
from hub.sources.importer import SourceFile, import_source
from tests.api.fixtures import principal

CEMENT, TEA = "913302007MA27K7Q3M", "913300001MA21K7Q3Q"
UNKNOWN = "91330100MA00000000"[:17] + check_character("91330100MA00000000"[:17])  # valid, on no hub
HEADER = "credit_code,period,item,amount,unit\n"


def _file(text: str, kind: str = "energy-monitoring", name: str = "m.csv") -> SourceFile:
    return SourceFile(kind, name, text.encode(), "Zhejiang energy office (test)", "CC BY 4.0")


async def _rows(hub: Hub) -> dict[str, int]:
    async with hub.sessions() as session:
        return {
            t.name: await session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


async def test_the_regulator_imports_a_file_with_its_provenance_and_again_changes_nothing(demo_hub: Hub) -> None:
    regulator = principal(demo_hub.settings, Role.REGULATOR)
    file = _file(HEADER + f"{TEA},2023-05,electricity,120,MWh\n{TEA},2023-05,output,30,t\n")
    first = await import_source(demo_hub, regulator, file)
    assert first.created and first.rows == 2
    async with demo_hub.sessions() as session:
        dataset = await session.scalar(select(Dataset).where(Dataset.iri == first.dataset_iri))
        stored = list(await session.scalars(select(SourceRecord).where(SourceRecord.dataset_id == dataset.id)))
    assert dataset is not None
    assert (dataset.publisher, dataset.licence, dataset.source_ref) == (
        "Zhejiang energy office (test)",
        "CC BY 4.0",
        "m.csv",
    )
    assert dataset.content_hash.startswith("sha256:") and dataset.created_by == regulator.actor
    assert sorted((r.row, r.item, r.amount, r.unit) for r in stored) == [
        (2, "electricity", 120.0, "MWh"),
        (3, "output", 30.0, "t"),
    ]
    before = await _rows(demo_hub)
    again = await import_source(demo_hub, regulator, file)
    assert (again.dataset_iri, again.created, again.rows) == (first.dataset_iri, False, 2)
    assert await _rows(demo_hub) == before


async def test_the_demo_file_imported_again_changes_nothing(demo_hub: Hub) -> None:
    before = await _rows(demo_hub)
    body = (DEMO_DIR / "energy-monitoring-2024.csv").read_bytes()
    file = SourceFile("energy-monitoring", "again.csv", body, "someone", "some licence")
    result = await import_source(demo_hub, principal(demo_hub.settings, Role.REGULATOR), file)
    assert not result.created and result.rows == 144
    assert await _rows(demo_hub) == before


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.REGULATOR])
async def test_only_the_regulator_may_import(demo_hub: Hub, role: Role) -> None:
    before = await _rows(demo_hub)
    with pytest.raises(Forbidden):
        await import_source(demo_hub, principal(demo_hub.settings, role), _file(HEADER + f"{TEA},2023-06,output,1,t\n"))
    assert await _rows(demo_hub) == before


async def test_an_unknown_enterprise_refuses_the_whole_file(demo_hub: Hub) -> None:
    before = await _rows(demo_hub)
    text = HEADER + f"{TEA},2023-07,output,1,t\n{UNKNOWN},2023-07,output,1,t\n{TEA},2023-07,electricity,-1,MWh\n"
    with pytest.raises(SourceRefused) as refused:
        await import_source(demo_hub, principal(demo_hub.settings, Role.REGULATOR), _file(text))
    assert [(e.row, e.column) for e in refused.value.errors] == [(4, "amount")]  # the file's own errors first
    with pytest.raises(SourceRefused) as refused:
        await import_source(
            demo_hub, principal(demo_hub.settings, Role.REGULATOR), _file(text.rsplit("\n", 2)[0] + "\n")
        )
    [error] = refused.value.errors
    assert (error.file, error.row, error.column) == ("m.csv", 3, "credit_code") and "not an enterprise" in error.reason
    assert await _rows(demo_hub) == before


async def test_a_kind_publisher_and_licence_are_required(demo_hub: Hub) -> None:
    regulator = principal(demo_hub.settings, Role.REGULATOR)
    bad = SourceFile("gossip", "g.csv", b"x", " ", "")
    with pytest.raises(SourceRefused) as refused:
        await import_source(demo_hub, regulator, bad)
    assert {e.column for e in refused.value.errors} == {"kind", "publisher", "licence"}
    long = SourceFile("energy-monitoring", "g.csv", HEADER.encode(), "p" * 201, "a\x00b")
    with pytest.raises(SourceRefused) as refused:
        await import_source(demo_hub, regulator, long)
    assert {(e.column, e.reason) for e in refused.value.errors} >= {
        ("publisher", "has 201 characters; at most 200"),
        ("licence", "holds a NUL character"),
    }


async def test_twenty_imports_of_one_file_at_once_write_it_once(demo_hub: Hub) -> None:
    regulator = principal(demo_hub.settings, Role.REGULATOR)
    file = _file(HEADER + f"{CEMENT},2023-01,electricity,10,MWh\n{CEMENT},2023-01,output,100,t\n")
    results = await asyncio.gather(*(import_source(demo_hub, regulator, file) for _ in range(20)))
    assert sum(r.created for r in results) == 1
    assert len({r.dataset_iri for r in results}) == 1
    async with demo_hub.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(SourceRecord)
            .where(SourceRecord.period_start.between(date(2023, 1, 1), date(2023, 1, 31)))
        )
    assert count == 2

"""Every demo footprint, exported from the database, maps to every target and back (issue: vocabularies and
mappings). The golden cases in mappings/ test the mappings on examples; this tests them on the hub's own data."""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy import event, select

from hub.bootstrap import Hub
from hub.db.models import Footprint
from hub.exchange.documents import footprint_documents
from hub.mapping import load_catalog
from hub.validation import problems
from tests.mapping.pact_official import official_errors, pact_dir

CATALOG = load_catalog()
EXCHANGED = {"verified", "published", "withdrawn"}
NOT_DATA = {"@context", "@type", "provenance"}


async def _documents(hub: Hub, include_inventory: bool = False) -> list[dict[str, Any]]:
    async with hub.sessions() as session:
        ids = list(await session.scalars(select(Footprint.id).order_by(Footprint.id)))
        return await footprint_documents(session, ids, include_inventory=include_inventory)


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{path}.{k}" if path else k))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{path}[{i}]"))
        return out
    return {path: value}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


async def test_every_demo_document_is_a_valid_zj_document(demo_hub: Hub) -> None:
    docs = await _documents(demo_hub, include_inventory=True)
    assert len(docs) >= 88
    for doc in docs:
        assert problems("footprint-document", doc) == [], doc["iri"]


async def test_without_the_inventory_the_documents_are_the_same_and_no_inventory_line_is_loaded(
    demo_hub: Hub,
) -> None:
    """The read behind the PACT host and `mapped(to:)` skips the inventory lines (hub/exchange/documents.py):
    it must still name the same emission-factor datasets as the full read, for every demo footprint."""
    full = await _documents(demo_hub, include_inventory=True)
    loaded: list[str] = []
    async with demo_hub.sessions() as session:
        ids = list(await session.scalars(select(Footprint.id).order_by(Footprint.id)))
        # every entity this session loads, by class: the read's work, counted
        event.listen(
            session.sync_session, "loaded_as_persistent", lambda _, entity: loaded.append(type(entity).__name__)
        )
        narrow = await footprint_documents(session, ids)
    assert narrow == [{k: v for k, v in doc.items() if k != "inventory"} for doc in full]
    assert sum(1 for doc in narrow if doc["emission_factor_sources"]) >= 10
    assert loaded.count("Footprint") == len(ids) and not {"InventoryLine", "EmissionFactor"} & set(loaded)


async def test_every_exchanged_demo_footprint_maps_to_every_target_and_validates(demo_hub: Hub) -> None:
    docs = [d for d in await _documents(demo_hub) if d["status"] in EXCHANGED]
    check_official = (pact_dir() / "openapi.yaml").exists()
    seen: dict[str, int] = {}
    for doc in docs:
        targets = ["pact", "catenax-pcf", "yrd", "gba"]
        if doc["product"]["category_code"] == "KP-46":
            targets.append("battery-passport")
        for target in targets:
            result = CATALOG.get(target, "export").map(doc)
            errors = [f for f, _ in result.errors]
            # EU battery performance classes are not adopted yet: the one field no one can fill.
            assert errors in ([], ["carbonFootprintPerformanceClass"]), (target, doc["iri"], result.errors)
            assert CATALOG.validate_output(target, result.output) == [], (target, doc["iri"])
            if target == "pact" and check_official:
                assert official_errors(result.output) == [], doc["iri"]
            seen[target] = seen.get(target, 0) + 1
    assert seen["pact"] == len(docs) and seen["battery-passport"] >= 20


async def test_draft_footprints_are_refused_by_international_targets_with_the_field_named(demo_hub: Hub) -> None:
    drafts = [d for d in await _documents(demo_hub) if d["status"] in {"draft", "submitted"}]
    assert drafts
    for doc in drafts:
        result = CATALOG.get("pact", "export").map(doc)
        assert [f for f, _ in result.errors] == ["status"]


@pytest.mark.parametrize("target", ["yrd", "gba"])
async def test_regional_round_trip_gives_back_every_field_it_does_not_report_lost(demo_hub: Hub, target: str) -> None:
    for doc in await _documents(demo_hub):
        out = CATALOG.get(target, "export").map(doc)
        back = CATALOG.get(target, "import").map(out.output)
        assert back.errors == [], (doc["iri"], back.errors)
        lost = {f for f, _ in out.lost}
        before, after = _flat(doc), _flat(back.output)
        for path, value in before.items():
            top = path.split(".")[0].split("[")[0]
            if top in NOT_DATA or path in lost or top in lost:
                continue
            changed = f"{target}: {path} changed for {doc['iri']}: {value} -> {after.get(path)}"
            assert _same(value, after.get(path)), changed

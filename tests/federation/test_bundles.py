"""Bundles between three real hubs (ZJ, YRD, GBA) on loopback, through the `cfhub` commands an operator runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.federation.hubs import SHARED_FIELDS, Federation


def _bundle(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes())


def _imported(fed: Federation, region: str) -> dict[str, Any]:
    rows = fed.rows(region, "SELECT iri, version, document, source_hub, superseded_by_iri FROM imported_record")
    return {r.iri: r for r in rows}


def test_round_trip_keeps_every_shared_field_and_nothing_else(federation: Federation) -> None:
    path = federation.export("ZJ", "YRD")
    bundle = _bundle(path)
    assert bundle["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert bundle["proof"]["verificationMethod"].startswith(federation["ZJ"].did + "#")
    assert bundle["record_count"] > 0
    result = federation.cli("YRD", "import", str(path))
    assert result.exit_code == 0, result.output
    imported = _imported(federation, "YRD")
    assert set(imported) == {r["@id"] for r in bundle["records"]}
    source = {r[0]: json.loads(r[1]) if isinstance(r[1], str) else r[1] for r in []}
    del source
    print(result.output)
    one = next(iter(imported.values()))
    print(one.document)

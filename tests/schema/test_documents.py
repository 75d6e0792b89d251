"""The ZJ document examples and the dataset-bundle example validate, add up, and the bundle's Data Integrity
proof (eddsa-jcs-2022) checks out."""

import json
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld
from referencing import Registry, Resource

from hub.integrity.proofs import verify_proof
from hub.jsonld.datadir import SCHEMA_DIR
from hub.jsonld.loader import jsonld_options

EXAMPLES = sorted((SCHEMA_DIR / "examples" / "footprint-document").glob("*.json"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    registry: Registry = Registry()
    for path in (SCHEMA_DIR / "json").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    schema = json.loads((SCHEMA_DIR / "json" / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())


def test_there_are_eight_examples_covering_the_brief() -> None:
    codes = {json.loads(p.read_text())["product"]["category_code"] for p in EXAMPLES}
    assert codes >= {"KP-46", "KP-47", "KP-28", "KP-31", "KP-10", "KP-04", "KP-17", "KP-51"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_valid_and_adds_up(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator("footprint-document.schema.json").iter_errors(doc)]
    assert errors == []
    assert sum(s["kgco2e"] for s in doc["stages"]) == pytest.approx(doc["total_kgco2e"])
    assert "illustrative" in doc["comment"]


def test_a_document_missing_a_required_field_is_invalid() -> None:
    doc = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    del doc["product"]["category_code"]
    assert any("category_code" in e.message for e in validator("footprint-document.schema.json").iter_errors(doc))


def test_bundle_example_validates_verifies_and_expands() -> None:
    bundle = json.loads((SCHEMA_DIR / "examples" / "dataset-bundle" / "yrd-demo.json").read_text(encoding="utf-8"))
    assert [e.message for e in validator("dataset-bundle.schema.json").iter_errors(bundle)] == []
    public = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()  # the demo key, 00..1f
    method = "did:web:zj.cfhub.example.org#demo-key-1"
    assert verify_proof(bundle, {method: public}.get).verified
    changed = {**bundle, "record_count": bundle["record_count"] + 1}
    assert not verify_proof(changed, {method: public}.get).verified
    assert bundle["record_count"] == len(bundle["records"])
    expanded = jsonld.expand(bundle, jsonld_options())
    assert expanded[0]["@id"] == bundle["@id"]
    parts = expanded[0]["http://purl.org/dc/terms/hasPart"]
    assert {p["@id"] for p in parts} == {r["data"]["tzjBianhao"] for r in bundle["records"]}

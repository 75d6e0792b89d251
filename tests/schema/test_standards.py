"""One spelling per accounting standard: the code list, the domain enum, the input schema, every rule set and
rulesets/facts.yaml, and the PACT import and export maps agree (issue 10, "two spellings of a standard").

Before this, recognition rules asked for "PACT-3.0" and "GHGP-Product" while the PACT import stored
"PACT Methodology 3.0" and "GHG Protocol Product Standard": an imported PACT footprint never matched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from hub.domain.codes import AccountingStandard
from hub.jsonld.datadir import SCHEMA_DIR

ROOT = Path(__file__).resolve().parents[2]
CODES = yaml.safe_load((SCHEMA_DIR / "codelists" / "accounting-standards.yaml").read_text(encoding="utf-8"))["concepts"]
LISTS_OF_STANDARDS = re.compile(r"fp\.accounting_standards,\s*\[([^\]]*)\]")


def _rule(mapping: str, target: str) -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "mappings" / "pact" / mapping).read_text(encoding="utf-8"))
    return next(r for r in doc["rules"] if r["target"] == target)


def test_code_list_enum_and_input_schema_agree() -> None:
    common = json.loads((SCHEMA_DIR / "json" / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert list(CODES) == [s.value for s in AccountingStandard]
    assert common["accountingStandard"]["enum"] == list(CODES)


def test_every_standard_a_rule_names_is_a_code() -> None:
    named: set[str] = set()
    for path in sorted((ROOT / "rulesets").rglob("*.yaml")):
        for found in LISTS_OF_STANDARDS.findall(path.read_text(encoding="utf-8")):
            named.update(json.loads(f"[{found}]"))
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in (doc or {}).get("cases", []) if isinstance(doc, dict) else []:
            named.update(((case.get("facts") or {}).get("fp") or {}).get("accounting_standards") or [])
        if isinstance(doc, dict) and isinstance(doc.get("facts"), dict):
            named.update((doc["facts"].get("fp") or {}).get("accounting_standards") or [])
    assert named, "no rule names a standard: the pattern above no longer finds them"
    assert named <= set(CODES), f"rule sets name standards outside the code list: {sorted(named - set(CODES))}"


def test_facts_vocabulary_gives_codes_as_examples() -> None:
    facts = yaml.safe_load((ROOT / "rulesets" / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    fact = next(f for f in facts if f["name"] == "fp.accounting_standards")
    assert set(fact["example"]) <= set(CODES)
    for word in ("PACT-3.0", "GHGP-Product"):
        assert word not in fact["doc"]["en"] and word not in fact["doc"]["zh"]


def test_pact_export_sends_every_code_and_import_stores_codes() -> None:
    export = _rule("zj-to-pact.yaml", "pcf.crossSectoralStandards")["transforms"][0]["map"]
    assert export["values"] == {code: c["pact"] for code, c in CODES.items()}
    close = {code for code, c in CODES.items() if c["pact_match"] != "exactMatch"}
    assert set(export.get("approx", {})) == close
    imported = _rule("pact-to-zj.yaml", "accounting_standards")["transforms"][0]["map"]["values"]
    assert set(imported.values()) <= set(CODES)
    assert imported == {c["pact"]: code for code, c in CODES.items() if c["pact_match"] == "exactMatch"}

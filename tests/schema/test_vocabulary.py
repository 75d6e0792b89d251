"""Every class and property of the Zhejiang vocabulary has an IRI, zh and en labels and a definition,
and the context gives every key of a ZJ document a term (so that expansion drops nothing)."""

import json

from pyld import jsonld

from hub.jsonld.datadir import SCHEMA_DIR
from hub.jsonld.generate import load_vocabulary
from hub.jsonld.loader import jsonld_options

VOCAB = json.loads((SCHEMA_DIR / "jsonld" / "vocab.jsonld").read_text(encoding="utf-8"))
CONTEXT = json.loads((SCHEMA_DIR / "jsonld" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
EXAMPLES = sorted((SCHEMA_DIR / "examples" / "footprint-document").glob("*.json"))


def test_every_term_has_iri_labels_and_definition() -> None:
    nodes = [n for n in VOCAB["@graph"] if n.get("@type") != "owl:Ontology"]
    assert len([n for n in nodes if "rdfs:Class" in n["@type"]]) == 11
    for node in nodes:
        langs = {label["@language"] for label in node["rdfs:label"]}
        assert langs == {"zh", "en"}, node["@id"]
        assert all(label["@value"] for label in node["rdfs:label"]), node["@id"]
        assert node["skos:definition"]["@value"], node["@id"]
        assert ":" in node["@id"], node["@id"]


def test_classes_reuse_established_vocabularies() -> None:
    _, classes = load_vocabulary()
    iris = {c["class"]: c["iri"] for c in classes}
    assert iris["Product"] == "schema:Product"
    assert iris["Organization"] == "schema:Organization"
    assert iris["Dataset"] == "dcat:Dataset"
    assert "skos:Concept" in next(c for c in classes if c["class"] == "ProductCategory")["sub_class_of"]
    assert "prov:Entity" in next(c for c in classes if c["class"] == "Footprint")["sub_class_of"]


def _keys(value: object, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, out)
    return out


def test_every_key_of_the_examples_has_a_term() -> None:
    keys: set[str] = set()
    for path in EXAMPLES:
        _keys(json.loads(path.read_text(encoding="utf-8")), keys)
    missing = sorted(k for k in keys if not k.startswith("@") and k not in CONTEXT)
    assert missing == []


def test_examples_expand_and_keep_every_value() -> None:
    doc = json.loads((SCHEMA_DIR / "examples" / "footprint-document" / "kp46-battery.json").read_text())
    expanded = jsonld.expand(doc, jsonld_options())
    node = expanded[0]
    cf = "https://w3id.org/cfhub/vocab#"
    assert node["@id"] == doc["iri"]
    assert node["@type"] == [cf + "ProductCarbonFootprint"]
    assert node[cf + "pcfExcludingBiogenicUptake"][0]["@value"] == 96.5
    assert node[cf + "footprintStatus"][0]["@id"] == "https://w3id.org/cfhub/codes/footprint-status/published"
    owner = node[cf + "dataOwner"][0]
    names = {(n["@value"], n["@language"]) for n in owner["https://schema.org/name"]}
    assert ("浙江示例动力电池有限公司", "zh") in names
    assert owner[cf + "hubRegion"][0]["@id"] == "https://w3id.org/cfhub/codes/region/ZJ"
    stages = node[cf + "stage"]
    assert {s[cf + "lifeCycleStage"][0]["@id"].rsplit("/", 1)[-1] for s in stages} == {
        "raw_material_acquisition",
        "production",
    }


def test_type_scoped_terms_give_label_status_its_own_meaning() -> None:
    label = {"@context": "https://w3id.org/cfhub/contexts/zj.jsonld", "@type": "Label", "status": "issued"}
    node = jsonld.expand(label, jsonld_options())[0]
    assert node["https://w3id.org/cfhub/vocab#labelStatus"][0]["@id"].endswith("/label-status/issued")

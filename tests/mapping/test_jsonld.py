"""JSON-LD done properly: contexts resolve offline (never from the network), every mapped record is
valid JSON-LD 1.1, the hub serves its contexts, and a mapped record states what its source states
under the mapping's exactMatch predicates (after normalising units)."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pyld import jsonld
from starlette.applications import Starlette

from hub.jsonld.contexts import CONTEXT_FILES, context_url
from hub.jsonld.loader import jsonld_options, offline_loader
from hub.jsonld.routes import routes
from hub.mapping import load_catalog
from hub.mapping.codelists import load_codelists
from tests.mapping.helpers import all_examples

CATALOG = load_catalog()
TARGET_CONTEXT = {
    "pact": "pact",
    "yrd": "yrd",
    "gba": "gba",
    "battery-passport": "battery-passport",
    "catenax-pcf": "catenax-pcf",
}


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """pyld's default loader fails on any use: only our offline loader may resolve contexts."""

    def refuse(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError(f"network access attempted: {url}")

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(refuse)
    yield
    jsonld.set_document_loader(previous)


def test_offline_loader_refuses_unknown_urls() -> None:
    with pytest.raises(jsonld.JsonLdError, match=r"Refusing to fetch 'https://schema\.org/'"):
        offline_loader("https://schema.org/")
    doc = {"@context": "https://schema.org/", "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(doc, jsonld_options())


def test_every_served_context_is_a_valid_context() -> None:
    for name, path in CONTEXT_FILES.items():
        assert path.exists(), name
        loaded = offline_loader(context_url(name))
        assert loaded["contentType"] == "application/ld+json"
        jsonld.expand({"@context": context_url(name)}, jsonld_options())


@pytest.mark.parametrize("target", sorted(TARGET_CONTEXT))
def test_mapped_records_are_valid_json_ld(target: str) -> None:
    mapper = CATALOG.get(target)
    for doc in all_examples().values():
        output = mapper.map(doc).output
        document = {"@context": context_url(TARGET_CONTEXT[target]), **output}
        expanded = jsonld.expand(document, jsonld_options())
        assert expanded, target
        nquads = jsonld.to_rdf(document, {**jsonld_options(), "format": "application/n-quads"})
        assert nquads.strip()


ZJ_CONTEXT = json.loads(CONTEXT_FILES["zj"].read_text(encoding="utf-8"))["@context"]
PREFIXES = {f"{k}:": v for k, v in ZJ_CONTEXT.items() if isinstance(v, str) and v.endswith(("#", "/"))}


def _iri(term: Any) -> str:
    iri = term if isinstance(term, str) else term["@id"]
    for prefix, base in PREFIXES.items():
        if iri.startswith(prefix):
            return base + iri[len(prefix) :]
    return iri


def _walk(node: dict[str, Any], iris: list[str]) -> list[Any]:
    """The literal values reached from `node` along the property IRIs."""
    values = node.get(iris[0], [])
    if len(iris) == 1:
        return [(v.get("@value", v.get("@id")), v.get("@language")) for v in values]
    return [x for v in values for x in _walk(v, iris[1:])]


def _norm(item: tuple[Any, str | None]) -> str:
    """Numbers compare by value (0 == 0.0); everything else by its text and language."""
    value, language = item
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    return repr((value, language))


def _exact_rules(target: str) -> list[Any]:
    m = CATALOG.get(target).mapping
    return [
        r
        for r in m.rules
        if r.predicate == "skos:exactMatch"
        and r.source
        and "[" not in r.target
        and ".label." not in r.target
        and ".name." not in r.target
        and all(t.name == "convert" for t in r.transforms)
    ]


@pytest.mark.parametrize("target", ["yrd", "gba"])
def test_mapped_record_states_what_its_source_states(target: str) -> None:
    """Expand a ZJ document and its mapping: each exactMatch field carries the same value (after units)."""
    zj_ctx = json.loads(CONTEXT_FILES["zj"].read_text(encoding="utf-8"))["@context"]
    target_vocab = json.loads(CONTEXT_FILES[target].read_text(encoding="utf-8"))["@context"]["@vocab"]
    cl = load_codelists()
    rules = _exact_rules(target)
    assert len(rules) >= 20
    compared = 0
    for doc in all_examples().values():
        source = jsonld.expand(doc, jsonld_options())[0]
        output = CATALOG.get(target).map(doc).output
        mapped = jsonld.expand({"@context": context_url(target), **output}, jsonld_options())[0]
        assert mapped["@id"] == source["@id"] == doc["iri"]
        for rule in rules:
            src_path = [_iri(zj_ctx[seg]) for seg in rule.source.split(".")]
            if "@id" in src_path:
                continue
            expected = _walk(source, src_path)
            values = _walk(mapped, [target_vocab + seg for seg in rule.target.split(".")])
            language = ZJ_CONTEXT[rule.source.split(".")[-1]]
            language = language.get("@language") if isinstance(language, dict) else None
            if language:
                expected = [e for e in expected if e[1] == language]
            for t in rule.transforms:  # normalise units back to the source's
                factor = cl.factor(t.args["to"], t.args["from"])
                values = [(float(f"{v * factor:.12g}"), lang) for v, lang in values]
            assert sorted(map(_norm, values)) == sorted(map(_norm, expected)), (target, rule.target)
            compared += bool(expected)
    assert compared > 100


async def test_contexts_are_served_with_the_json_ld_media_type() -> None:
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        response = await client.get("/contexts/zj.jsonld")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        assert response.json()["@context"]["@vocab"] == "https://w3id.org/cfhub/vocab#"
        missing = await client.get("/contexts/nope.jsonld")
        assert missing.status_code == 404 and "known" in missing.json()["error"]

"""Benchmark: map 100,000 ZJ footprints to PACT v3 three ways (python -m bench.mapping_bench).

1. the compiled mapping engine (mappings/pact/zj-to-pact.yaml), full MappingResult per record;
2. pyld: expand each record with the ZJ context and compact it with a PACT-named context (a lower bound
   of doing the mapping in JSON-LD: it only renames; no decimals, units or nesting). Timed on a sample
   of 2,000 records and scaled linearly to 100,000;
3. a hand-written Python function that builds the same PACT dicts directly (the practical limit).
The engine's and the hand-written outputs are asserted identical for every record. Not run in pytest.
"""

from __future__ import annotations

import copy
import gc
import json
import time
from datetime import date, datetime
from typing import Any

from pyld import jsonld

from bench.report import write_section
from hub.jsonld.contexts import context_url
from hub.jsonld.datadir import SCHEMA_DIR
from hub.jsonld.loader import jsonld_options
from hub.mapping import load_catalog
from hub.mapping.codelists import load_codelists
from hub.mapping.functions import uuid_for
from hub.mapping.transforms import to_decimal

N = 100_000
PYLD_SAMPLE = 2_000


def make_documents(n: int) -> list[dict[str, Any]]:
    """n distinct ZJ documents: the examples with their own IRIs and varied figures."""
    examples = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SCHEMA_DIR / "examples" / "footprint-document").glob("*.json"))
    ]
    docs = []
    for i in range(n):
        d = copy.deepcopy(examples[i % len(examples)])
        d["iri"] = f"https://zj.cfhub.example/footprint/bench-{i}"
        f = 1 + (i % 97) / 1000
        for key in ("total_kgco2e", "fossil_kgco2e"):
            d[key] = round(d[key] * f, 6)
        d["total_including_biogenic_uptake_kgco2e"] = round(
            d["total_kgco2e"] + (d.get("biogenic_uptake_kgco2e") or 0), 6
        )
        docs.append(d)
    return docs


_UNITS = {
    "kg": "kilogram",
    "t": "kilogram",
    "kWh": "kilowatt hour",
    "MJ": "megajoule",
    "piece": "piece",
    "m2": "square meter",
    "m3": "cubic meter",
    "L": "liter",
    "tkm": "ton kilometer",
}
_STATUS = {"published": "Active", "verified": "Active", "withdrawn": "Deprecated"}
_STANDARDS = {
    "GB/T 24067-2024": "ISO14067",
    "ISO 14067:2018": "ISO14067",
    "ISO 14083:2023": "ISO14083",
    "ISO 14040:2006/14044:2006": "ISO14040-44",
    "GHG Protocol Product Standard": "GHGP-Product",
    "EU PEF": "PEF",
    "PACT Methodology 1.0": "PACT-1.0",
    "PACT Methodology 2.0": "PACT-2.0",
    "PACT Methodology 3.0": "PACT-3.0",
    "PAS 2050:2011": "PAS2050",
}
_HS = {kp: cw.code for kp, cw in load_codelists().crosswalks["hs2022"].items() if cw}
_MAPPING_IRI, _MAPPING_VERSION = "https://w3id.org/cfhub/mapping/zj-to-pact", "1.0.0"


def _dt(d: str) -> str:
    return f"{date.fromisoformat(d).isoformat()}T00:00:00Z"


def _urn(iri: str, kind: str) -> str:
    return iri if iri[:4].lower() == "urn:" else f"urn:cfhub:{kind}:{iri.rstrip('/').rsplit('/', 1)[-1]}"


def handwritten_pact(d: dict[str, Any]) -> dict[str, Any]:
    """ZJ -> PACT v3 written by hand: the same output as the mapping, nothing else."""
    product, owner = d["product"], d["owner"]
    created = datetime.fromisoformat(d["created_at"]).isoformat()
    out: dict[str, Any] = {
        "id": uuid_for(d["iri"]),
        "specVersion": "3.0.0",
        "created": created[:-6] + "Z" if created.endswith("+00:00") else created,
        "status": _STATUS[d["status"]],
    }
    if d.get("supersedes_iri"):
        out["precedingPfIds"] = [uuid_for(d["supersedes_iri"])]
    if d.get("validity_start"):
        out["validityPeriodStart"] = _dt(d["validity_start"])
    if d.get("validity_end"):
        out["validityPeriodEnd"] = _dt(d["validity_end"])
    out["companyName"] = owner["name_en"]
    ids = [_urn(owner["iri"], "org")]
    if owner.get("credit_code"):
        ids.append("urn:cn:uscc:" + owner["credit_code"])
    out["companyIds"] = ids
    model = product.get("model")
    out["productDescription"] = product.get("description") or (
        f"{product['name']} ({model})" if model else product["name"]
    )
    pids = ["urn:gtin:" + product["gtin"]] if product.get("gtin") else []
    purn = _urn(product["iri"], "product")
    if purn not in pids:
        pids.append(purn)
    out["productIds"] = pids
    kp = product["category_code"]
    out["productClassifications"] = ["urn:cfhub:key-product:" + kp]
    if kp in _HS:
        out["productClassifications"].append("urn:pact:productclassification:hs:" + _HS[kp])
    out["productNameCompany"] = product["name"]
    if d.get("comment"):
        out["comment"] = d["comment"]
    unit = d["declared_unit"]
    amount = d["declared_unit_amount"] * 1000 if unit == "t" else d["declared_unit_amount"]
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": _UNITS[unit],
        "declaredUnitAmount": to_decimal(amount),
        "productMassPerDeclaredUnit": to_decimal(d["product_mass_kg_per_declared_unit"]),
        "referencePeriodStart": _dt(d["reference_period_start"]),
        "referencePeriodEnd": _dt(d["reference_period_end"]),
    }
    if d.get("geography_subdivision"):
        pcf["geographyCountrySubdivision"] = d["geography_subdivision"]
    else:
        pcf["geographyCountry"] = d["geography_country"]
    if d.get("boundary_description"):
        pcf["boundaryProcessesDescription"] = d["boundary_description"]
    for key, src in (
        ("pcfExcludingBiogenicUptake", "total_kgco2e"),
        ("pcfIncludingBiogenicUptake", "total_including_biogenic_uptake_kgco2e"),
        ("fossilCarbonContent", "fossil_carbon_content_kgc"),
        ("biogenicCarbonContent", "biogenic_carbon_content_kgc"),
        ("recycledCarbonContent", "recycled_carbon_content_kgc"),
        ("fossilGhgEmissions", "fossil_kgco2e"),
        ("landUseChangeGhgEmissions", "land_use_change_kgco2e"),
        ("biogenicCO2Uptake", "biogenic_uptake_kgco2e"),
        ("biogenicNonCO2Emissions", "biogenic_kgco2e"),
        ("aircraftGhgEmissions", "aircraft_kgco2e"),
    ):
        if d.get(src) is not None:
            pcf[key] = to_decimal(d[src])
    pcf["packagingEmissionsIncluded"] = d["packaging_emissions_included"]
    if d.get("packaging_kgco2e") is not None:
        pcf["packagingGhgEmissions"] = to_decimal(d["packaging_kgco2e"])
    if d.get("ccs_technological_co2_capture_included") is not None:
        pcf["ccsTechnologicalCO2CaptureIncluded"] = d["ccs_technological_co2_capture_included"]
    pcf["ipccCharacterizationFactors"] = d["ipcc_characterization_factors"]
    pcf["crossSectoralStandards"] = list(
        dict.fromkeys(_STANDARDS[s] for s in d["accounting_standards"] if s in _STANDARDS)
    )
    names = [x for x in (d.get("general_rules"), d.get("industry_rules"), d.get("product_rules")) if x]
    if names:
        other = (
            "not recorded (imported record)"
            if d["provenance"]["source"] == "import"
            else "Zhejiang PCF accounting rules"
        )
        pcf["productOrSectorSpecificRules"] = [{"operator": "Other", "ruleNames": names, "otherOperatorName": other}]
    pcf["exemptedEmissionsPercent"] = to_decimal(d["exempted_emissions_percent"])
    if d.get("exempted_emissions_description"):
        pcf["exemptedEmissionsDescription"] = d["exempted_emissions_description"]
    if d.get("allocation_description"):
        pcf["allocationRulesDescription"] = d["allocation_description"]
    if d.get("emission_factor_sources"):
        pcf["secondaryEmissionFactorSources"] = [
            {"name": s["name"], "version": s["version"]} for s in d["emission_factor_sources"]
        ]
    if d.get("primary_data_share_percent") is not None:
        pcf["primaryDataShare"] = to_decimal(d["primary_data_share_percent"])
    t, g, m = d.get("dqr_technological"), d.get("dqr_geographical"), d.get("dqr_temporal")
    if t is not None and g is not None and m is not None:
        pcf["dqi"] = {
            "technologicalDQR": to_decimal(t),
            "geographicalDQR": to_decimal(g),
            "temporalDQR": to_decimal(m),
        }
    v = d.get("verification")
    if v:
        ver = {
            "coverage": "product level",
            "providerName": v["verifier_name"],
            "completedAt": _dt(v["verified_at"]),
        }
        if v.get("standard"):
            ver["standardName"] = v["standard"]
        if v.get("statement"):
            ver["comments"] = v["statement"]
        pcf["verification"] = ver
    out["pcf"] = pcf
    data: dict[str, Any] = {
        "sourceIri": d["iri"],
        "accountingStandards": d["accounting_standards"],
        "systemBoundary": d["system_boundary"],
    }
    if v and v.get("verifier_iri"):
        data["verifierIri"] = v["verifier_iri"]
    data["stages"] = [{"stage": s["stage"], "kgco2e": s["kgco2e"]} for s in d["stages"]]
    data["mappingIri"], data["mappingVersion"] = _MAPPING_IRI, _MAPPING_VERSION
    out["extensions"] = [
        {
            "specVersion": "2.0.0",
            "dataSchema": "https://w3id.org/cfhub/mappings/pact/cfhub-provenance-extension.schema.json",
            "documentation": "https://w3id.org/cfhub/docs/mappings#pact",
            "data": data,
        }
    ]
    return out


def pyld_context() -> dict[str, Any]:
    """PACT names for the ZJ vocabulary's IRIs, from the mapping's exactMatch rules (for compaction)."""
    zj = json.loads((SCHEMA_DIR / "jsonld" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    ctx: dict[str, Any] = {"cf": "https://w3id.org/cfhub/vocab#", "schema": "https://schema.org/"}
    for rule in load_catalog().get("pact").mapping.rules:
        if rule.source and "." not in rule.source and rule.source in zj and isinstance(zj[rule.source], dict):
            ctx[rule.target.rsplit(".", 1)[-1]] = zj[rule.source]["@id"]
    return ctx


def timed(fn: Any) -> float:
    """Seconds for one call, with the cyclic GC paused (both contenders allocate only acyclic data)."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    docs = make_documents(N)
    mapper = load_catalog().get("pact")
    fn = mapper.compiled.fn

    def stream(f: Any) -> None:
        for d in docs:  # each result handed on and dropped, as an export writing to a file does
            f(d)

    def retain(f: Any) -> None:
        kept = [f(d) for d in docs]  # every result kept in memory until the end
        del kept

    times: dict[str, list[float]] = {"engine": [], "hand": [], "engine_kept": [], "hand_kept": []}
    for _ in range(3):  # interleaved, best of 3: the machines here are noisy
        times["engine"].append(timed(lambda: stream(fn)))
        times["hand"].append(timed(lambda: stream(handwritten_pact)))
        times["engine_kept"].append(timed(lambda: retain(fn)))
        times["hand_kept"].append(timed(lambda: retain(handwritten_pact)))
    t_engine, t_hand = min(times["engine"]), min(times["hand"])
    t_engine_kept, t_hand_kept = min(times["engine_kept"]), min(times["hand_kept"])
    for i, d in enumerate(docs):
        r = fn(d)
        assert r.errors == [], (i, r.errors)
        assert r.output == handwritten_pact(d), f"record {i}: engine and hand-written outputs differ"

    ctx = pyld_context()
    opts = jsonld_options()
    sample = docs[:PYLD_SAMPLE]
    for d in sample[:5]:
        assert d["@context"] == context_url("zj")

    def run_pyld() -> None:
        for d in sample:
            jsonld.compact(jsonld.expand(d, opts), ctx, opts)

    t_pyld = timed(run_pyld) * (N / PYLD_SAMPLE)

    per = lambda t: t / N * 1e6  # noqa: E731
    rows = [
        ("hand-written Python (practical limit)", t_hand, f"{per(t_hand):.1f}", "1.00x"),
        (
            "hand-written, all 100,000 results kept in memory",
            t_hand_kept,
            f"{per(t_hand_kept):.1f}",
            f"{t_hand_kept / t_hand:.2f}x",
        ),
        (
            "compiled mapping engine (full MappingResult)",
            t_engine,
            f"{per(t_engine):.1f}",
            f"{t_engine / t_hand:.2f}x",
        ),
        (
            "compiled engine, all 100,000 results kept in memory",
            t_engine_kept,
            f"{per(t_engine_kept):.1f}",
            f"{t_engine_kept / t_hand:.2f}x ({t_engine_kept / t_hand_kept:.2f}x of hand-written kept)",
        ),
        (
            f"pyld expand + compact (2,000 timed, x{N // PYLD_SAMPLE})",
            t_pyld,
            f"{per(t_pyld):.0f}",
            f"{t_pyld / t_hand:.0f}x",
        ),
    ]
    lines = [
        "## Mapping: 100,000 ZJ footprints to PACT v3 (`python -m bench.mapping_bench`)",
        "",
        "| way | total (s) | per record (µs) | vs hand-written |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {total:.2f} | {us} | {ratio} |" for name, total, us, ratio in rows],
        "",
        f"- engine vs pyld: **{t_pyld / t_engine:.0f}x faster** (aim >= 20x).",
        f"- engine vs hand-written: **{t_engine / t_hand:.2f}x** streaming,"
        f" {t_engine_kept / t_hand_kept:.2f}x with every result kept (aim <= 1.5x);",
        f"  outputs asserted identical for all {N:,} records. Each MappingResult also holds its",
        "  lost/approximated lists (about 15 small tuples per record); the hand-written function has none.",
        "- The engine also reports, per record, what is lost and approximated; the hand-written",
        "  function does not.",
        "- pyld only renames keys by compaction (no decimal strings, units or nesting), so its figure",
        "  is a lower bound of doing this mapping in JSON-LD.",
        "- Engine and hand-written: best of 3 interleaved runs, cyclic GC paused during each timed run;",
        "  pyld: one run on 2,000 records, scaled linearly. Machines here are noisy: compare ratios.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    write_section("mapping", table)


if __name__ == "__main__":
    main()

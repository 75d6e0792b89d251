"""Export a mapping's field and code correspondences as an SSSOM mapping set (TSV with its YAML
metadata block), readable by the `sssom` package."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import yaml

from hub.mapping.catalog import Mapper
from hub.mapping.codelists import EXACT, load_codelists
from hub.mapping.model import RuleSpec
from hub.mapping.schema_paths import split_path

COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_label",
    "comment",
]
FIELD_BASE = "https://w3id.org/cfhub/field/"


def _local(path: str) -> str:
    return ".".join(str(s) for s in split_path(path) if s != "*")


def _rows_for_rules(rules: list[RuleSpec], src_prefix: str, tgt_prefix: str, s: str, t: str) -> list[dict[str, Any]]:
    rows = []
    for rule in rules:
        reads = [p for p in ([rule.source] if rule.source else list(rule.with_.values()))]
        target = f"{tgt_prefix}{rule.target}"
        if rule.each:
            rows.extend(_rows_for_rules(rule.rules, f"{src_prefix}{rule.each}.", f"{target}.", s, t))
            continue
        for read in reads:
            rows.append(
                {
                    "subject_id": f"{s}:{_local(src_prefix + read)}",
                    "subject_label": src_prefix + read,
                    "predicate_id": rule.predicate,
                    "object_id": f"{t}:{_local(target)}",
                    "object_label": target,
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "confidence": rule.confidence if rule.confidence is not None else (1.0 if len(reads) == 1 else 0.9),
                    "author_label": rule.author or "cfhub mappings team",
                    "comment": (rule.justification or "").replace("\t", " ").replace("\n", " "),
                }
            )
    return rows


def _code_rows(mapper: Mapper) -> list[dict[str, Any]]:
    rows = []
    cl = load_codelists()
    used = {t.args["scheme"] for r in mapper.mapping.rules for t in r.transforms if t.name == "crosswalk"}
    for scheme in sorted(used):
        for kp, cw in cl.crosswalks[scheme].items():
            if cw is None:
                continue
            rows.append(
                {
                    "subject_id": f"kp:{kp}",
                    "subject_label": cl.key_products[kp]["name_en"],
                    "predicate_id": f"skos:{cw.match}",
                    "object_id": f"{scheme}:{cw.code}",
                    "object_label": "",
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "confidence": cw.confidence if cw.match != EXACT else max(cw.confidence, 0.9),
                    "author_label": "cfhub mappings team",
                    "comment": cw.justification.replace("\t", " "),
                }
            )
    return rows


def to_sssom(mapper: Mapper) -> str:
    m = mapper.mapping
    s, t = m.source_name.replace("-", "_"), m.target_name.replace("-", "_")
    rows = _rows_for_rules(m.rules, "", "", s, t) + _code_rows(mapper)
    meta = {
        "mapping_set_id": f"{m.iri}/{m.version}/sssom.tsv",
        "mapping_set_version": m.version,
        "mapping_set_title": m.title or m.iri,
        "mapping_set_description": (
            f"Field and code correspondences of {m.iri} version {m.version} (effective {m.effective})."
        ),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "mapping_date": date.today().isoformat(),
        "creator_label": [m.author or "cfhub mappings team"],
        "curie_map": {
            s: f"{FIELD_BASE}{m.source_name}/",
            t: f"{FIELD_BASE}{m.target_name}/",
            "kp": "https://w3id.org/cfhub/codes/key-product/",
            "hs2022": "https://w3id.org/cfhub/codes/hs2022/",
            "cpc21": "https://w3id.org/cfhub/codes/cpc21/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "semapv": "https://w3id.org/semapv/vocab/",
        },
    }
    out = io.StringIO()
    for line in yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).splitlines():
        out.write(f"#{line}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for row in rows:
        out.write("\t".join(str(row[c]) for c in COLUMNS) + "\n")
    return out.getvalue()

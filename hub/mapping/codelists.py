"""The code lists the transforms use: units with conversion factors, key products with their
statistical codes and HS 2022 / CPC 2.1 crosswalks (all read from `schema/codelists/`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub.jsonld.datadir import SCHEMA_DIR
from hub.jsonld.generate import read_key_products

EXACT = "exactMatch"
MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")
CROSSWALK_SCHEMES = ("hs2022", "cpc21")
LOOKUP_PROPERTIES = (
    "stat_code",
    "name_zh",
    "name_en",
    "name_zh_hant",
    "industry_code",
    "industry_name_zh",
    "industry_name_en",
    "industry_name_zh_hant",
)


@dataclass(frozen=True)
class Unit:
    code: str
    dimension: str
    factor: float


@dataclass(frozen=True)
class Crosswalk:
    code: str
    match: str
    confidence: float
    justification: str


@dataclass
class CodeLists:
    units: dict[str, Unit]
    key_products: dict[str, dict[str, str]]
    crosswalks: dict[str, dict[str, Crosswalk | None]]
    no_crosswalk_notes: dict[str, dict[str, str]] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)

    def factor(self, from_unit: str, to_unit: str) -> float:
        """value_in_to = value_in_from * factor; raises KeyError/ValueError when they cannot convert."""
        a, b = self.units[from_unit], self.units[to_unit]
        if a.dimension != b.dimension:
            raise ValueError(f"'{from_unit}' ({a.dimension}) cannot convert to '{to_unit}' ({b.dimension})")
        return a.factor / b.factor


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def load_codelists(schema_dir: Path = SCHEMA_DIR) -> CodeLists:
    cl = schema_dir / "codelists"
    units_doc = _yaml(cl / "units.yaml")
    units = {code: Unit(code, u["dimension"], float(u["factor"])) for code, u in units_doc["units"].items()}
    cross = _yaml(cl / "key-products-crosswalk.yaml")
    products: dict[str, dict[str, str]] = {}
    walks: dict[str, dict[str, Crosswalk | None]] = {s: {} for s in CROSSWALK_SCHEMES}
    notes: dict[str, dict[str, str]] = {s: {} for s in CROSSWALK_SCHEMES}
    for row in read_key_products(schema_dir):
        c = cross["products"][row["code"]]
        products[row["code"]] = {
            "stat_code": row["stat_class_code"],
            "name_zh": row["product_zh"],
            "name_en": row["product_en"],
            "name_zh_hant": c["name_zh_hant"],
            "industry_code": row["industry_code"],
            "industry_name_zh": row["industry_zh"],
            "industry_name_en": row["industry_en"],
            "industry_name_zh_hant": cross["industries"][row["industry_code"]]["name_zh_hant"],
        }
        for scheme in CROSSWALK_SCHEMES:
            t = c.get(scheme)
            walks[scheme][row["code"]] = (
                Crosswalk(str(t["code"]), t["match"], float(t["confidence"]), t["justification"]) if t else None
            )
            if not t:
                notes[scheme][row["code"]] = c.get(f"{scheme}_note", "no crosswalk given")
    enums = {}
    for name in ("life-cycle-stages", "system-boundaries", "footprint-statuses", "regions", "org-kinds"):
        enums[name] = list(_yaml(cl / f"{name}.yaml")["concepts"])
    return CodeLists(units, products, walks, notes, enums)

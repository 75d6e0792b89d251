"""The CSV layouts of the data sources (`layout.yaml`): columns, item codes and the units each item allows.

Data, not code: a new source kind or energy carrier is a change to `layout.yaml`, read here once per call
(cheap: a few dozen lines) so nothing is cached process-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LAYOUT_FILE = Path(__file__).resolve().parent / "layout.yaml"


@dataclass(frozen=True)
class Item:
    """An energy carrier, the product output or an emission scope: which unit dimensions it may be stated in,
    and for a fuel stated as mass or volume its net calorific value."""

    name: str
    dimensions: frozenset[str]
    kind: str  # electricity, fuel, output or emission
    ncv_mj_per_kg: float | None = None
    ncv_mj_per_m3: float | None = None


@dataclass(frozen=True)
class FileKind:
    name: str
    doc: str
    period: str  # "month" (YYYY-MM) or "year" (YYYY)
    columns: tuple[str, ...]
    optional_columns: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_text: int


@dataclass(frozen=True)
class SourceLayout:
    limits: Limits
    kinds: dict[str, FileKind]
    items: dict[str, Item]


def load_layout(path: Path = LAYOUT_FILE) -> SourceLayout:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = {
        name: FileKind(
            name=name,
            doc=" ".join(str(spec["doc"]).split()),
            period=str(spec["period"]),
            columns=tuple(spec["columns"]),
            optional_columns=tuple(spec.get("optional_columns", ())),
            items=tuple(spec["items"]),
        )
        for name, spec in data["kinds"].items()
    }
    items = {
        name: Item(
            name=name,
            dimensions=frozenset(spec["dimensions"]),
            kind=str(spec["kind"]),
            ncv_mj_per_kg=spec.get("ncv_mj_per_kg"),
            ncv_mj_per_m3=spec.get("ncv_mj_per_m3"),
        )
        for name, spec in data["items"].items()
    }
    limits = Limits(**{k: int(v) for k, v in data["limits"].items()})
    return SourceLayout(limits=limits, kinds=kinds, items=items)

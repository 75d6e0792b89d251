"""Reading DMN TCK test-case files (`*-test-01.xml`): input values and expected results, as Python
values (decimal -> float, boolean -> bool, component -> dict, list -> list). Used by the conformance
test and the benchmark; the TCK itself is not shipped (see docs/rules-engine.md)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules_engine.dmn import identifier

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@dataclass
class TckCase:
    model: str
    id: str
    inputs: dict[str, Any]  # fact name (CEL identifier) -> value
    results: dict[str, Any]  # decision name -> expected value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# A value without `xsi:type` (some TCK files omit it) is read by the type its fact declares.
UNTYPED = {"double": "xsd:double", "int": "xsd:integer", "bool": "xsd:boolean"}


def _value(element: ET.Element, declared: str | None = None) -> Any:
    """The value held by a <value>, <component>... or <list> parent element."""
    children = list(element)
    lists = [c for c in children if _local(c.tag) == "list"]
    if lists:
        return [_value(item) for item in lists[0] if _local(item.tag) == "item"]
    components = [c for c in children if _local(c.tag) == "component"]
    if components:
        return {str(c.get("name")): _value(c) for c in components}
    values = [c for c in children if _local(c.tag) == "value"]
    if not values:
        return None
    return _scalar(values[0], declared)


def _scalar(value: ET.Element, declared: str | None = None) -> Any:
    if value.get(XSI_NIL) == "true":
        return None
    kind = (value.get(XSI_TYPE) or UNTYPED.get(declared or "", "xsd:string")).split(":")[-1]
    text = value.text or ""
    if kind in ("decimal", "double", "integer", "int", "long", "float"):
        return float(text)
    if kind == "boolean":
        return text.strip() == "true"
    return text


def read_cases(path: Path, types: Mapping[str, str] | None = None) -> list[TckCase]:
    """The test cases of a TCK file; `types` (fact name -> cfhub type) reads inputs that carry no `xsi:type`."""
    types = types or {}
    root = ET.parse(path).getroot()
    model = next((e.text or "" for e in root if _local(e.tag) == "modelName"), path.name)
    cases = []
    for case in root:
        if _local(case.tag) != "testCase":
            continue
        inputs = {}
        for node in case:
            if _local(node.tag) == "inputNode":
                name = identifier(str(node.get("name")))
                inputs[name] = _value(node, types.get(name))
        results = {}
        for node in case:
            if _local(node.tag) == "resultNode":
                expected = next((e for e in node if _local(e.tag) == "expected"), None)
                results[str(node.get("name"))] = None if expected is None else _value(expected)
        cases.append(TckCase(model, str(case.get("id")), inputs, results))
    return cases


def tck_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and list(p.glob("*.dmn")))

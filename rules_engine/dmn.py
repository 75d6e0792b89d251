"""`cfhub rules import-dmn`: a DMN 1.x decision table (S-FEEL unary tests) to a cfhub rule set.

Input entries are kept as written: cfhub's unary-test syntax is S-FEEL's (`>=18`, `"a","b"`, `-`,
`not(...)`, `[a..b]`, `]a..b[`) with CEL end points, and the importer checks each one by parsing it.
Names that are not CEL identifiers (spaces, slashes) become identifiers with `_`; DMN `number`
becomes CEL `double`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rules_engine.issues import Issue, Position
from rules_engine.parser import parse_expression, parse_unary_tests

HIT_POLICIES = {
    "UNIQUE": "unique",
    "ANY": "any",
    "PRIORITY": "priority",
    "FIRST": "first",
    "RULE ORDER": "rule_order",
    "OUTPUT ORDER": "output_order",
    "COLLECT": "collect",
}
TYPES = {"number": "double", "string": "string", "boolean": "bool", "integer": "int", "double": "double"}


def identifier(name: str) -> str:
    """A CEL identifier for a DMN name: `Risk Category` -> `Risk_Category`."""
    ident = re.sub(r"[^_a-zA-Z0-9]", "_", name.strip())
    return f"_{ident}" if not ident or ident[0].isdigit() else ident


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "dmn"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = _child(element, "text")
    return None if text is None or text.text is None else text.text.strip()


def _values(text: str | None) -> list[Any] | None:
    """`"Approved", "Declined"` -> ["Approved", "Declined"]."""
    if not text:
        return None
    return [v.strip().strip('"') for v in re.findall(r'"(?:[^"\\]|\\.)*"|[^,]+', text) if v.strip()]


def _types(root: ET.Element) -> dict[str, str]:
    types: dict[str, str] = {}
    for data in root.iter():
        if _local(data.tag) == "inputData":
            variable = _child(data, "variable")
            if variable is not None:
                types[str(data.get("name"))] = TYPES.get(str(variable.get("typeRef")), "string")
    return types


def _item_types(root: ET.Element) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for item in root.iter():
        if _local(item.tag) == "itemDefinition":
            parts = {}
            for component in _children(item, "itemComponent"):
                type_ref = _child(component, "typeRef")
                if type_ref is not None and type_ref.text:
                    parts[str(component.get("name"))] = TYPES.get(type_ref.text.strip(), "string")
            out[str(item.get("name"))] = parts
    return out


def import_dmn(
    path: Path,
    jurisdiction: str = "ZJ",
    status: str = "draft",
    effective_from: date | None = None,
    ruleset_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Rule sets (as dicts ready for YAML), one per decision table in the DMN file, and issues."""
    root = ET.parse(path).getroot()
    input_types = _types(root)
    item_types = _item_types(root)
    rulesets: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for decision in root.iter():
        if _local(decision.tag) != "decision":
            continue
        table = _child(decision, "decisionTable")
        if table is None:
            continue
        name = str(decision.get("name"))
        variable = _child(decision, "variable")
        var_type = str(variable.get("typeRef")) if variable is not None else "string"
        where = Position(str(path))
        data, more = _table(table, name, var_type, input_types, item_types, where)
        issues += more
        base = ruleset_id or f"dmn-{slug(path.stem)}"
        rulesets.append(
            {
                "id": base if len(rulesets) == 0 else f"{base}-{slug(name)}",
                "version": "1",
                "kind": identifier(name).lower(),
                "jurisdiction": jurisdiction,
                "layer": "general",
                "status": status,
                "effective_from": (effective_from or date.today()).isoformat(),
                "title": {"en": f"Imported DMN decision table: {name}", "zh": f"导入的 DMN 决策表:{name}"},
                "source": f"imported from {path.name}",
                "facts": [{"name": identifier(n), "type": t} for n, t in input_types.items()],
                "tables": [data],
            }
        )
    return rulesets, issues


def _table(
    table: ET.Element,
    name: str,
    var_type: str,
    input_types: dict[str, str],
    item_types: dict[str, dict[str, str]],
    where: Position,
) -> tuple[dict[str, Any], list[Issue]]:
    issues: list[Issue] = []
    policy = table.get("hitPolicy", "UNIQUE")
    inputs = []
    for element in _children(table, "input"):
        expression = _child(element, "inputExpression")
        text = _text(expression) or ""
        expr = identifier(text) if text in input_types else text
        _, more = parse_expression(expr, where)
        issues += [Issue(i.file, i.line, i.column, i.code, f"input {text!r}: {i.message}") for i in more]
        inputs.append({"name": element.get("label") or text, "expr": expr})
    outputs = []
    elements = _children(table, "output")
    for element in elements:
        out_name = element.get("name") or name
        type_ref = element.get("typeRef") or item_types.get(var_type, {}).get(out_name) or var_type
        output: dict[str, Any] = {"name": out_name, "type": TYPES.get(type_ref, "string")}
        values = _values(_text(_child(element, "outputValues")))
        if values:
            output["values"] = values
        default = _text(_child(element, "defaultOutputEntry"))
        if default:
            output["default"] = default
        outputs.append(output)
    if len(outputs) == 1 and var_type in TYPES:
        outputs[0]["type"] = TYPES[var_type]
    rows = []
    for index, rule in enumerate(_children(table, "rule"), start=1):
        cells = [_text(e) or "-" for e in _children(rule, "inputEntry")]
        thens = [_text(e) or "null" for e in _children(rule, "outputEntry")]
        for cell in cells:
            _, more = parse_unary_tests(cell, where)
            issues += [Issue(i.file, i.line, i.column, i.code, f"rule {index}: {i.message}") for i in more]
        rows.append({"id": rule.get("id") or str(index), "when": cells, "then": thens})
    data: dict[str, Any] = {
        "name": name,
        "hit_policy": HIT_POLICIES.get(policy, policy.lower()),
        "text": {"en": f"{name} (imported from DMN)", "zh": f"{name}(从 DMN 导入)"},
        "inputs": inputs,
        "outputs": outputs,
        "rows": rows,
    }
    if table.get("aggregation"):
        data["aggregation"] = str(table.get("aggregation")).lower()
    return data, issues


def to_yaml(ruleset: dict[str, Any]) -> str:
    header = "# Generated by `cfhub rules import-dmn` from a DMN decision table; edit as a rule set.\n"
    return header + yaml.safe_dump(ruleset, allow_unicode=True, sort_keys=False, width=110)

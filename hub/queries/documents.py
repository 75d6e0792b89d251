"""Rule sets and mappings as documents: the files a standards team edits, readable through the policy.

They are not database rows: the rule-set registry and the mapping catalog of this installation are the
source, and the policy decides which roles may read them and which of their fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.exchange.mapped import catalog
from hub.queries.reader import Reader
from hub.queries.records import Record


def _records(kind: str, rows: list[dict[str, Any]], readable: frozenset[str], key: str) -> list[Record]:
    out: list[Record] = []
    for row in rows:
        rec: Record = {"_kind": kind, "_id": row[key], "_readable": readable}
        rec.update({k: v for k, v in row.items() if k in readable})
        out.append(rec)
    return out


async def rule_sets(reader: Reader, ruleset_id: str | None = None, version: str | None = None) -> list[Record]:
    access = await reader.access()
    if not access.grants("RuleSet"):
        return []
    rows = []
    for r in reader.rulesets.registry().rulesets():
        if (ruleset_id and r["id"] != ruleset_id) or (version and r["version"] != version):
            continue
        path = Path(r["file"])
        rows.append(
            {
                "ruleset_id": r["id"],
                "version": r["version"],
                "decision_kind": r["kind"],
                "jurisdiction": r["jurisdiction"],
                "layer": r["layer"],
                "refines": r["refines"],
                "applies_to": r["applies_to"],
                "status": r["status"],
                "effective_from": r["effective_from"],
                "effective_until": r["effective_until"],
                "title_zh": r["title"].get("zh"),
                "title_en": r["title"].get("en"),
                "test_count": r["tests"],
                "file": _relative(path, reader.rulesets.root),
                "content": path.read_text(encoding="utf-8"),
                "_key": f"{r['id']}@{r['version']}",
            }
        )
    return _records("RuleSet", rows, access.readable_fields("RuleSet"), "_key")


def _relative(path: Path, root: Path) -> str:
    """The file's name within its data folder: the server's own paths are not the caller's business."""
    try:
        return f"{root.name}/{path.resolve().relative_to(root.resolve())}"
    except ValueError:
        return path.name


async def mapping_documents(reader: Reader, target: str | None = None) -> list[Record]:
    access = await reader.access()
    if not access.grants("MappingDocument"):
        return []
    rows = []
    for mapper in catalog().mappers():
        m = mapper.mapping
        if target and m.target_name != target and m.source_name != target:
            continue
        rows.append(
            {
                "mapping_iri": m.iri,
                "version": m.version,
                "target": _target_of(mapper),
                "direction": m.direction,
                "effective": m.effective,
                "source_type": m.source_name,
                "target_type": m.target_name,
                "file": _relative(m.path, m.path.parent.parent),
                "content": m.path.read_text(encoding="utf-8"),
                "_key": f"{m.iri}@{m.version}",
            }
        )
    return _records("MappingDocument", rows, access.readable_fields("MappingDocument"), "_key")


def _target_of(mapper: Any) -> str:
    return str(mapper.mapping.path.parent.name)

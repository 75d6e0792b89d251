"""Linking rule-set layers at load time: parents that exist and sit one layer up with the same kind and
jurisdiction, no cycles, and no two published versions (or two sets for the same scope) in force on
one date."""

from __future__ import annotations

from rules_engine.issues import Issue
from rules_engine.ruleset import LAYERS, RuleSetSource


def link(sources: list[RuleSetSource]) -> list[Issue]:
    """Layer links, cycles and clashes between versions in force on the same dates."""
    issues: list[Issue] = []
    by_id: dict[str, list[RuleSetSource]] = {}
    for source in sources:
        by_id.setdefault(source.id, []).append(source)
    for versions in by_id.values():
        for i, a in enumerate(versions):
            for b in versions[i + 1 :]:
                if a.version == b.version:
                    issues.append(
                        b.at("version").issue(
                            "duplicate",
                            f"rule set {b.id!r} version {b.version} is defined twice (also in {a.file})",
                        )
                    )
                elif a.status == b.status == "published" and a.overlaps(b):
                    issues.append(
                        b.at("effective_from").issue(
                            "overlap",
                            f"rule set {b.id!r}: published versions {a.version} and {b.version} are "
                            f"both in force on {max(a.effective_from, b.effective_from).isoformat()}",
                        )
                    )
    published = [s for s in sources if s.status == "published"]
    for i, a in enumerate(published):
        for b in published[i + 1 :]:
            same = (a.kind, a.jurisdiction, a.layer, tuple(sorted(a.applies_to.items()))) == (
                b.kind,
                b.jurisdiction,
                b.layer,
                tuple(sorted(b.applies_to.items())),
            )
            if same and a.id != b.id and a.overlaps(b):
                issues.append(
                    b.at("id").issue(
                        "ambiguous",
                        f"rule sets {a.id!r} and {b.id!r} are both published for "
                        f"{b.kind}/{b.jurisdiction} {b.layer} {b.applies_to or ''} on the same dates",
                    )
                )
    for source in sources:
        issues += _check_parent(source, by_id)
    issues += _cycles(sources, by_id)
    return issues


def _check_parent(source: RuleSetSource, by_id: dict[str, list[RuleSetSource]]) -> list[Issue]:
    where = source.at("refines")
    rank = LAYERS.index(source.layer)
    if source.refines is None:
        return (
            []
            if rank == 0
            else [
                where.issue(
                    "layer",
                    f"{source.layer} rule set {source.id!r} must name the rule set it refines (`refines`)",
                )
            ]
        )
    if rank == 0:
        return [where.issue("layer", f"general rule set {source.id!r} cannot refine another")]
    if source.layer != "general" and source.layer not in source.applies_to:
        return [
            source.at("applies_to").issue(
                "layer", f"{source.layer} rule set {source.id!r} needs applies_to.{source.layer}"
            )
        ]
    parents = by_id.get(source.refines)
    if not parents:
        return [where.issue("unknown-ruleset", f"{source.id!r} refines unknown rule set {source.refines!r}")]
    parent = parents[0]
    issues = []
    if LAYERS.index(parent.layer) != rank - 1 and parent.id != source.id:
        issues.append(
            where.issue(
                "layer",
                f"a {source.layer} rule set must refine a {LAYERS[rank - 1]} one; {parent.id!r} is {parent.layer}",
            )
        )
    if (parent.kind, parent.jurisdiction) != (source.kind, source.jurisdiction):
        issues.append(
            where.issue(
                "layer",
                f"{source.id!r} ({source.kind}/{source.jurisdiction}) refines {parent.id!r} "
                f"({parent.kind}/{parent.jurisdiction})",
            )
        )
    on = source.effective_from
    if source.status == "published" and not any(p.status == "published" and p.in_force(on) for p in parents):
        issues.append(
            where.issue(
                "layer",
                f"published {source.id!r} starts on {on.isoformat()} but no published version of "
                f"{source.refines!r} is in force that day",
            )
        )
    return issues


def _cycles(sources: list[RuleSetSource], by_id: dict[str, list[RuleSetSource]]) -> list[Issue]:
    issues = []
    reported: set[str] = set()
    for source in sources:
        seen = [source.id]
        current = source
        while current.refines is not None and current.refines in by_id:
            if current.refines in seen:
                cycle = [*seen[seen.index(current.refines) :], current.refines]
                if not reported & set(cycle):
                    issues.append(
                        source.at("refines").issue(
                            "cycle", "layers refine each other in a cycle: " + " -> ".join(cycle)
                        )
                    )
                    reported |= set(cycle)
                break
            seen.append(current.refines)
            current = by_id[current.refines][0]
    return issues

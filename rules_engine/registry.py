"""The registry: every rule set of a folder, loaded, linked into layer chains, checked and compiled;
and the entry point the hub calls (`decide`, `decide_batch`, `rulesets`)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from rules_engine.batch import BatchResult, evaluate_batch
from rules_engine.compile_np import Columns
from rules_engine.decision import Decision
from rules_engine.evaluate import evaluate
from rules_engine.facts import flatten, normalise
from rules_engine.grouping import codes, scatter
from rules_engine.issues import Issue, LoadError
from rules_engine.layers import link
from rules_engine.model import Program
from rules_engine.program import build_program
from rules_engine.ruleset import LAYERS, RuleSetSource, read_ruleset_folder, read_ruleset_text, schema_path
from rules_engine.vocabulary import Vocabulary, load_vocabulary

CATEGORY, INDUSTRY = "fp.category_code", "fp.industry_code"


class NoRuleSet(LookupError):
    """No published rule set decides this kind for this jurisdiction on this date."""


@dataclass
class Registry:
    root: Path
    vocabulary: Vocabulary
    sources: list[RuleSetSource] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    _programs: dict[tuple[tuple[str, str], ...], Program] = field(default_factory=dict)
    _chosen: dict[tuple[Any, ...], Program] = field(default_factory=dict)

    # --- lookup ---

    def versions(self, ruleset_id: str) -> list[RuleSetSource]:
        return [s for s in self.sources if s.id == ruleset_id]

    def get(self, ruleset_id: str, version: str | None = None, on: date | None = None) -> RuleSetSource:
        """A rule set by id: the given version, else the published one in force on `on`, else the newest."""
        found = self.versions(ruleset_id)
        if version is not None:
            found = [s for s in found if s.version == version]
        if not found:
            raise NoRuleSet(f"no rule set {ruleset_id!r}" + (f" version {version!r}" if version else ""))
        if on is not None:
            in_force = [s for s in found if s.status == "published" and s.in_force(on)]
            found = in_force or found
        return max(found, key=lambda s: (s.status == "published", s.effective_from))

    def chain(self, source: RuleSetSource, on: date | None = None) -> list[RuleSetSource]:
        """General -> ... -> source, each parent taken in force on `on` (default: source's start)."""
        on = on or source.effective_from
        chain = [source]
        while chain[0].refines is not None:
            chain.insert(0, self.get(chain[0].refines, on=on))
        return chain

    def program(self, source: RuleSetSource, on: date | None = None) -> Program:
        chain = self.chain(source, on)
        key = tuple((s.id, s.version) for s in chain)
        if key not in self._programs:
            program, issues = build_program(chain, self.vocabulary)
            if issues:
                raise LoadError(issues)
            self._programs[key] = program
        return self._programs[key]

    def select(
        self, kind: str, jurisdiction: str, on: date, category: str | None = None, industry: str | None = None
    ) -> RuleSetSource:
        """The most specific published rule set in force: product, else industry, else general."""
        candidates = [
            s
            for s in self.sources
            if s.kind == kind and s.jurisdiction == jurisdiction and s.status == "published" and s.in_force(on)
        ]
        for layer, code in (("product", category), ("industry", industry), ("general", None)):
            for source in candidates:
                if source.layer == layer and (code is None or source.applies_to.get(layer) == code):
                    if layer != "general" and code is None:
                        continue
                    return source
        raise NoRuleSet(f"no published {kind!r} rule set for {jurisdiction} in force on {on.isoformat()}")

    # --- the hub's API ---

    def rulesets(self) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "version": s.version,
                "kind": s.kind,
                "jurisdiction": s.jurisdiction,
                "layer": s.layer,
                "refines": s.refines,
                "applies_to": s.applies_to,
                "status": s.status,
                "effective_from": s.effective_from.isoformat(),
                "effective_until": None if s.effective_until is None else s.effective_until.isoformat(),
                "title": s.title,
                "tests": len(s.tests),
                "file": s.file,
            }
            for s in sorted(
                self.sources, key=lambda s: (s.kind, s.jurisdiction, LAYERS.index(s.layer), s.id, s.version)
            )
        ]

    def decide(self, kind: str, jurisdiction: str, facts: Mapping[str, Any], on: date | None = None) -> Decision:
        on = on or date.today()
        flat = flatten(facts)
        return evaluate(self.program_for(kind, jurisdiction, on, flat.get(CATEGORY), flat.get(INDUSTRY)), flat, on)

    def program_for(
        self, kind: str, jurisdiction: str, on: date, category: Any = None, industry: Any = None
    ) -> Program:
        """The compiled chain that decides `kind` for a footprint of this category/industry on `on`."""
        key = (kind, jurisdiction, on, _code(category), _code(industry))
        program = self._chosen.get(key)
        if program is None:
            if len(self._chosen) > 100_000:  # keyed by date too: keep a long-running process bounded
                self._chosen.clear()
            source = self.select(kind, jurisdiction, on, _code(category), _code(industry))
            program = self._chosen[key] = self.program(source, on)
        return program

    def decide_ruleset(
        self, ruleset_id: str, facts: Mapping[str, Any], on: date | None = None, version: str | None = None
    ) -> Decision:
        """Decide with a named rule set (and its parents), whatever the footprint's category."""
        source = self.get(ruleset_id, version, on)
        on = on or source.effective_from
        return evaluate(self.program(source, on), flatten(facts), on)

    def decide_batch(
        self,
        kind: str,
        jurisdiction: str,
        facts: Columns | Sequence[Mapping[str, Any]],
        on: date | None = None,
    ) -> BatchResult:
        """Decide many footprints at once (numpy). `facts` is `Columns` or a list of fact dicts."""
        on = on or date.today()
        cols = facts if isinstance(facts, Columns) else self.columns(facts)
        groups = self._groups(kind, jurisdiction, cols, on)
        if len(groups) == 1:
            program, rows = groups[0]
            result = evaluate_batch(program, cols if rows is None else cols.take(rows, program.facts_used()))
            result.chains = [program.chain]
            result.programs = np.zeros(cols.n, np.int32)
            return result
        parts = []
        for p, rows in groups:
            assert rows is not None  # several groups always come with their rows
            parts.append((p, rows, evaluate_batch(p, cols.take(rows, p.facts_used()))))
        return scatter(cols.n, parts)

    def columns(self, records: Sequence[Mapping[str, Any]]) -> Columns:
        """Fact dicts as columns (values normalised as one at a time; invalid values count as missing)."""
        types = self.vocabulary.types()
        return Columns.from_records([normalise(r, types)[0] for r in records], types)

    def _groups(self, kind: str, jurisdiction: str, cols: Columns, on: date) -> list[tuple[Program, np.ndarray | None]]:
        """Rows grouped by the program that decides them (from category and industry codes)."""
        layered = any(
            s.kind == kind and s.jurisdiction == jurisdiction and s.layer != "general" and s.in_force(on)
            for s in self.sources
        )
        if not layered:
            return [(self.program_for(kind, jurisdiction, on), None)]
        (categories, cat_index), (industries, ind_index) = codes(cols, CATEGORY), codes(cols, INDUSTRY)
        pair_keys, pair_index = np.unique(cat_index * len(industries) + ind_index, return_inverse=True)
        programs: list[Program] = []
        program_of_pair = np.zeros(len(pair_keys), np.int16)
        for u, key in enumerate(pair_keys):
            category, industry = (
                str(categories[key // len(industries)]),
                str(industries[key % len(industries)]),
            )
            program = self.program_for(kind, jurisdiction, on, category, industry)
            if not any(program is p for p in programs):
                programs.append(program)
            program_of_pair[u] = next(i for i, p in enumerate(programs) if p is program)
        if len(programs) == 1:
            return [(programs[0], None)]
        row_program = program_of_pair[pair_index]
        order = np.argsort(row_program, kind="stable")
        bounds = np.cumsum(np.bincount(row_program, minlength=len(programs)))
        groups = np.split(order, bounds[:-1])
        return [(program, rows) for program, rows in zip(programs, groups, strict=True) if len(rows)]


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def load_registry(path: str | Path, strict: bool = True) -> Registry:
    """Load every `*/ruleset.yaml` under `path` with `path/facts.yaml` as the vocabulary.

    With `strict` (the default) any issue raises `LoadError` listing them all (file, line, column,
    reason); without, the issues are kept in `registry.issues` and the sound rule sets load."""
    root = Path(path)
    vocabulary, issues = read_vocabulary(root)
    sources, more = read_sources(root)
    return registry_from_sources(root, vocabulary, sources, issues + more, strict)


def read_vocabulary(root: Path) -> tuple[Vocabulary, list[Issue]]:
    """`root/facts.yaml`, or an empty vocabulary when the folder has none."""
    return load_vocabulary(root / "facts.yaml") if (root / "facts.yaml").exists() else (Vocabulary({}), [])


def read_sources(root: Path) -> tuple[list[RuleSetSource], list[Issue]]:
    """Every `*/ruleset.yaml` under `root` with its test cases, as written (not linked or compiled)."""
    schema = schema_path(root)
    sources: list[RuleSetSource] = []
    issues: list[Issue] = []
    for file in sorted(root.rglob("ruleset.yaml")):
        source, more = read_ruleset_folder(file.parent, schema)
        issues += more
        if source is not None:
            sources.append(source)
    return sources, issues


def registry_from_sources(
    root: Path, vocabulary: Vocabulary, sources: list[RuleSetSource], issues: list[Issue], strict: bool = True
) -> Registry:
    """Link and compile rule sets already read (from folders, or from text such as a standards team's draft)."""
    issues = list(issues)
    link_issues = link(sources)
    issues += link_issues
    registry = Registry(root, vocabulary, sources, issues)
    if not link_issues:
        for source in sources:
            for on in _start_dates(registry, source):
                try:
                    registry.program(source, on)
                except LoadError as error:
                    issues += [i for i in error.issues if i not in issues]
                except LookupError as error:
                    issues.append(source.at("refines").issue("unknown-ruleset", str(error)))
    if strict and issues:
        raise LoadError(issues)
    return registry


def _start_dates(registry: Registry, source: RuleSetSource) -> list[date]:
    """The dates on which the chain of `source` may change: its start and its ancestors' starts."""
    dates = {source.effective_from}
    ancestor = source.refines
    while ancestor is not None and registry.versions(ancestor):
        versions = registry.versions(ancestor)
        dates |= {v.effective_from for v in versions if source.in_force(v.effective_from)}
        ancestor = versions[0].refines
        if ancestor == source.id:
            break
    return sorted(dates)


def default_rulesets_dir() -> Path:
    """`$CFHUB_RULESETS`, else the repository's `rulesets/`, else the copy inside an installed wheel."""
    env = os.environ.get("CFHUB_RULESETS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "rulesets", here / "hub" / "_data" / "rulesets"):
        if candidate.exists():
            return candidate
    return here / "rulesets"


def compile_ruleset_text(text: str, file: str = "<string>", vocabulary: Vocabulary | None = None) -> Program:
    """Compile one stand-alone (general-layer) rule set from YAML text, e.g. one imported from DMN."""
    source, issues = read_ruleset_text(text, file, schema_path(default_rulesets_dir()))
    if source is None or issues:
        raise LoadError(issues)
    if source.refines is not None:
        raise LoadError(
            [
                source.at("refines").issue(
                    "layer",
                    "a stand-alone rule set cannot refine another; load its folder with load_registry",
                )
            ]
        )
    program, issues = build_program([source], vocabulary or Vocabulary({}))
    if issues:
        raise LoadError(issues)
    return program

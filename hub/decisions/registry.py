"""The rule sets a hub ships with: the folder its settings name (`Settings.rulesets_dir`, $CFHUB_RULESETS, by
default the installation's `rulesets/`), read, checked and compiled once per hub and kept on it (`Hub.rulesets`),
so that two hubs with different folders in one process never see each other's rule sets.

These are the shipped files only. The registry in force, with the versions a standards team published
through the API on top, is `hub.services.published.effective_registry(session)`."""

from __future__ import annotations

from pathlib import Path

from rules_engine import Registry, load_registry
from rules_engine.registry import read_sources, read_vocabulary
from rules_engine.ruleset import RuleSetSource
from rules_engine.vocabulary import Vocabulary


class ShippedRuleSets:
    """One folder of rule sets: its compiled registry, and its vocabulary and sources as written (the base that
    published versions overlay, hub/documents/rulesets.py). Each is read on first use, then reused."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._registry: Registry | None = None
        self._sources: tuple[Vocabulary, tuple[RuleSetSource, ...]] | None = None

    def registry(self) -> Registry:
        """The folder's rule sets, loaded strictly: a rule set that does not load raises LoadError."""
        if self._registry is None:
            self._registry = load_registry(self.root)
        return self._registry

    def sources(self) -> tuple[Vocabulary, tuple[RuleSetSource, ...]]:
        """The folder's fact vocabulary and rule-set sources, not linked or compiled."""
        if self._sources is None:
            vocabulary, issues = read_vocabulary(self.root)
            sources, more = read_sources(self.root)
            assert not issues + more, f"the shipped rule sets do not load: {issues + more}"
            self._sources = vocabulary, tuple(sources)
        return self._sources

    def versions(self, ruleset_id: str) -> list[str]:
        """The published versions of `ruleset_id` in the folder."""
        return [s.version for s in self.sources()[1] if s.id == ruleset_id and s.status == "published"]

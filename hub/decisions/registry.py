"""The rule sets of this installation (`rulesets/`, or $CFHUB_RULESETS), loaded, checked and compiled once per
process: a rule set that does not load stops the hub at start-up, not at the first decision.

These are the shipped files only. The registry in force, with the versions a standards team published
through the API on top, is `hub.services.published.effective_registry(session)`."""

from __future__ import annotations

from functools import cache

from rules_engine import Registry, default_rulesets_dir, load_registry


@cache
def registry() -> Registry:
    return load_registry(default_rulesets_dir())

"""The rule sets of this installation (`rulesets/`), loaded, checked and compiled once per process."""

from __future__ import annotations

from functools import cache

from hub.resources import data_dir
from rules_engine import Registry, load_registry


@cache
def registry() -> Registry:
    return load_registry(data_dir("rulesets"))

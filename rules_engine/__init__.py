"""cfhub's rules engine: rule sets as data (YAML + CEL conditions + DMN-style decision tables), in three
layers (general + industry + product), decided one footprint at a time with a trace, or in batch
with numpy. Knows nothing of HTTP or the database.

Stages, one module each: parser -> checker -> compile_py / compile_np -> evaluate / batch -> decision
(explain). Entry point: `load_registry(path)`.
"""

from rules_engine.batch import BatchResult
from rules_engine.benchmarks import benchmark_facts, benchmarks_by_group
from rules_engine.compile_np import Columns
from rules_engine.decision import Decision
from rules_engine.issues import Issue, LoadError
from rules_engine.registry import (
    NoRuleSet,
    Registry,
    compile_ruleset_text,
    default_rulesets_dir,
    load_registry,
)
from rules_engine.ruleset import RuleSetRef

__all__ = [
    "BatchResult",
    "Columns",
    "Decision",
    "Issue",
    "LoadError",
    "NoRuleSet",
    "Registry",
    "RuleSetRef",
    "benchmark_facts",
    "benchmarks_by_group",
    "compile_ruleset_text",
    "default_rulesets_dir",
    "load_registry",
]

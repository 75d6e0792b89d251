"""Rule-set drafts: read from text, checked against the shipped registry plus the published versions (so that
`refines` resolves and clashes show), their own test cases run, and the registry in force built.

A published version of rule set X is added beside X's shipped versions and takes over from the date it
starts: each version published before it (shipped or through the API) ends that day (`effective_until`),
so decisions on earlier dates keep the rules that were in force then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hub.decisions.registry import ShippedRuleSets
from hub.documents.positions import CONTENT_FILE, TESTS_FILE
from hub.documents.report import Failure, TestReport
from hub.domain.documents import version_key
from rules_engine import Issue, Registry
from rules_engine.registry import registry_from_sources
from rules_engine.ruleset import RuleSetSource, read_ruleset_text, read_tests_text, schema_path
from rules_engine.testing import run_case
from rules_engine.yamlsrc import LocatedDict


@dataclass(frozen=True)
class Text:
    """A rule set as stored in the database: its YAML text and its tests.yaml text."""

    document_id: str
    version: str
    content: str
    tests: str | None


def read_draft(
    shipped: ShippedRuleSets, content: str, tests: str | None, file: str = CONTENT_FILE
) -> tuple[RuleSetSource | None, list[Issue]]:
    """The rule set in `content` with the test cases in `tests`, or the issues that refuse it."""
    source, issues = read_ruleset_text(content, file, schema_path(shipped.root))
    if source is None:
        return None, issues
    if version_key(source.version) is None:
        message = f"version {source.version!r} must be dotted numbers (e.g. 2026.1), so versions can be ordered"
        issues.append(source.at("version").issue("version", message))
    if tests is not None and tests.strip():
        issues += read_tests_text(source, tests, TESTS_FILE if file == CONTENT_FILE else f"{file}#tests")
    return source, issues


def _stored(shipped: ShippedRuleSets, text: Text) -> RuleSetSource:
    source, issues = read_draft(shipped, text.content, text.tests, f"db:{text.document_id}@{text.version}")
    assert source is not None and not issues, f"published rule set {text.document_id} {text.version}: {issues}"
    return source


def _with(source: RuleSetSource, **values: str) -> RuleSetSource:
    data = LocatedDict(source.data)
    data.pos, data.key_pos = source.data.pos, dict(source.data.key_pos)
    data.update(values)
    return RuleSetSource(data, source.file, source.tests, source.tests_file, source.tests_facts)


def overlay(shipped: ShippedRuleSets, published: Sequence[RuleSetSource]) -> list[RuleSetSource]:
    """The shipped rule sets plus `published` (in publishing order): each published version ends, on the day
    it starts, every earlier published version of its rule set (and replaces one that starts no earlier)."""
    sources = list(shipped.sources()[1])
    for new in published:
        new = _with(new, status="published")
        kept = []
        for old in sources:
            if not _superseded(old, new):
                kept.append(old)
            elif old.effective_from < new.effective_from:
                kept.append(_with(old, effective_until=new.effective_from.isoformat()))
        sources = [*kept, new]
    return sources


def _superseded(old: RuleSetSource, new: RuleSetSource) -> bool:
    """Whether `old` is a published version of `new`'s rule set still in force when `new` starts."""
    ends = old.effective_until
    return old.id == new.id and old.status == "published" and (ends is None or ends > new.effective_from)


def registry(
    shipped: ShippedRuleSets,
    published: Sequence[Text],
    candidate: RuleSetSource | None = None,
    strict: bool = True,
) -> Registry:
    """The registry with the published versions (oldest first) and, if given, `candidate` as if published."""
    vocabulary, _ = shipped.sources()
    sources = [_stored(shipped, t) for t in published] + ([candidate] if candidate is not None else [])
    return registry_from_sources(shipped.root, vocabulary, overlay(shipped, sources), [], strict)


def check(shipped: ShippedRuleSets, candidate: RuleSetSource, published: Sequence[Text]) -> list[Issue]:
    """What stops `candidate` from loading beside the shipped and published rule sets."""
    return registry(shipped, published, candidate, strict=False).issues


def run_tests(shipped: ShippedRuleSets, candidate: RuleSetSource, published: Sequence[Text]) -> TestReport:
    """Run the draft's own test cases in the registry as it would be with the draft published."""
    reg = registry(shipped, published, candidate)
    [source] = [s for s in reg.sources if s.id == candidate.id and s.version == candidate.version]
    report = TestReport()
    for case in source.tests:
        result = run_case(reg, source, source.tests_facts, case)
        if result.passed:
            report.passed += 1
        else:
            report.failures.append(Failure(result.name, result.problems))
    return report

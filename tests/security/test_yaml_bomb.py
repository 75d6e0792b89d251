"""Issue 9 item 7 over real HTTP, as the standards team: a YAML alias bomb (a few hundred bytes of nested
anchors, x9 per level) in a rule set, its tests, a mapping or its golden cases is refused at the alias, naming
its line and column, with a small answer and nothing written. Before the fix it came back as a 34.7 MB
answer (the expanded value printed in a schema error). A document above the size bound is refused by name.
Error messages quote at most a bounded excerpt of a value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from hub.app import create_app
from hub.auth.principal import Role
from hub.db.engine import make_engine
from hub.documents.mappings import parse_cases
from hub.services.documents import MAX_DOCUMENT_CHARS
from hub.validation import InvalidInput
from tests import databases, drafts
from tests.api.conftest import Live
from tests.api.fixtures import gql, prepare, token
from tests.api.live import LiveServer

FIELDS = "documentVersion { id } errors { path reason }"
CREATE_RULESET = f"mutation($c: String!, $t: String) {{ createDraftRuleSet(content: $c, tests: $t) {{ {FIELDS} }} }}"
CREATE_MAPPING = f"mutation($c: String!, $k: JSON) {{ createDraftMapping(content: $c, cases: $k) {{ {FIELDS} }} }}"
SMALL = 4_000  # bytes: an answer naming one or a few errors


def bomb(levels: int = 8) -> str:
    """Nested anchors: level k is nine aliases of level k-1, so the last one stands for 9**levels strings."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, levels + 1):
        lines.append(f"l{k}: &l{k} [" + ",".join([f"*l{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def ruleset_bomb() -> str:
    """The tea rule set with a bomb in front and its title replaced by the expanded value."""
    content = drafts.tea_ruleset("2031.1", "2031-01-01")
    head, _, rest = content.partition("title:\n")
    rest = rest.split("\n", 2)[2]  # drop the en/zh lines of the title
    return bomb() + head + f"title: *l{8}\n" + rest


@pytest.fixture(scope="module")
def big(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A live hub whose body limit lets a document above the document size bound through."""
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, Path(tmp_path_factory.mktemp("keys")), max_body_bytes=4 * MAX_DOCUMENT_CHARS)
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield Live(hub, server, client)


@pytest.fixture(scope="module")
def engine(big: Live) -> Iterator[Engine]:
    e = make_engine(big.hub.settings.database_url)
    yield e
    e.dispose()


def _rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT COUNT(*) FROM document_version")).scalar_one()
        events = conn.execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one()
    return versions, events


def _refused(live: Live, query: str, name: str, **variables: Any) -> tuple[list[dict[str, str]], int]:
    response = gql(live.client, query, token(live.hub, Role.STANDARDS_TEAM), variables)
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert "errors" not in body, str(body)[:500]
    payload = body["data"][name]
    assert payload["documentVersion"] is None
    return payload["errors"], len(response.content)


def test_the_bomb_itself_is_a_few_hundred_bytes() -> None:
    assert len(bomb()) < 600


def test_a_rule_set_with_aliases_is_refused_at_the_first_alias(big: Live, engine: Engine) -> None:
    before = _rows(engine)
    errors, size = _refused(big, CREATE_RULESET, "createDraftRuleSet", c=ruleset_bomb())
    assert errors == [
        {"path": "$.content", "reason": "line 1, column 5: YAML anchors and aliases are not allowed in rule sets"}
    ]
    assert size < SMALL
    assert _rows(engine) == before


def test_aliases_in_a_rule_sets_tests_are_refused(big: Live, engine: Engine) -> None:
    before = _rows(engine)
    tests = drafts.tea_tests() + "\nextra: *l8\n"
    errors, size = _refused(
        big, CREATE_RULESET, "createDraftRuleSet", c=drafts.tea_ruleset("2032.1", "2032-01-01"), t=bomb() + tests
    )
    assert errors == [
        {"path": "$.tests", "reason": "line 1, column 5: YAML anchors and aliases are not allowed in rule sets"}
    ]
    assert size < SMALL
    assert _rows(engine) == before


def test_a_mapping_with_aliases_is_refused_at_the_first_alias(big: Live, engine: Engine) -> None:
    before = _rows(engine)
    content = bomb() + drafts.yrd_mapping("9.0.0").replace("title: ZJ footprint to YRD footprint record", "title: *l8")
    errors, size = _refused(big, CREATE_MAPPING, "createDraftMapping", c=content)
    assert errors == [
        {"path": "$.content", "reason": "line 1, column 5: YAML anchors and aliases are not allowed in mappings"}
    ]
    assert size < SMALL
    assert _rows(engine) == before


def test_golden_cases_with_aliases_are_refused() -> None:
    """Over GraphQL the cases are JSON (no aliases there); the stored text is read back as YAML, without them."""
    with pytest.raises(InvalidInput) as refused:
        parse_cases(bomb() + "cases: [{name: a, input: *l8, expected: *l8}]\n")
    assert [(e.path, e.reason) for e in refused.value.errors] == [
        ("$.cases", "line 1, column 5: YAML anchors and aliases are not allowed in golden cases")
    ]


@pytest.mark.parametrize(
    ("query", "name"), [(CREATE_RULESET, "createDraftRuleSet"), (CREATE_MAPPING, "createDraftMapping")]
)
def test_a_document_above_the_size_bound_is_refused_by_name(big: Live, engine: Engine, query: str, name: str) -> None:
    before = _rows(engine)
    content = "# padding\n" * (MAX_DOCUMENT_CHARS // 10 + 1)
    errors, size = _refused(big, query, name, c=content)
    assert errors == [
        {
            "path": "$.content",
            "reason": f"is {len(content):,} characters long; at most {MAX_DOCUMENT_CHARS:,} are accepted",
        }
    ]
    assert size < SMALL
    assert _rows(engine) == before


def test_a_schema_error_quotes_a_bounded_excerpt_of_the_value(big: Live, engine: Engine) -> None:
    """A long value (no alias needed) in the wrong place: the reason quotes at most 200 characters of it."""
    before = _rows(engine)
    content = drafts.tea_ruleset("2033.1", "2033-01-01").replace("kind: label_grade", "kind: [" + "x, " * 20_000 + "y]")
    errors, size = _refused(big, CREATE_RULESET, "createDraftRuleSet", c=content)
    assert [e["path"] for e in errors] == ["$.content"]
    reason = errors[0]["reason"]
    assert reason.startswith("line 3, column 7: kind: ['x', 'x', ")
    assert "characters)" in reason and len(reason) < 400
    assert size < SMALL
    assert _rows(engine) == before


def test_a_document_with_many_problems_is_answered_with_the_first_fifty(big: Live, engine: Engine) -> None:
    before = _rows(engine)
    checks = "".join(
        f"  - name: c{i}\n    when: fp.declared_unit == {i}\n    text: {{en: c, zh: c}}\n" for i in range(120)
    )
    content = drafts.tea_ruleset("2034.1", "2034-01-01").replace("checks:\n", "checks:\n" + checks, 1)
    errors, size = _refused(big, CREATE_RULESET, "createDraftRuleSet", c=content)
    assert len(errors) == 51
    assert errors[0] == {"path": "$.content", "reason": "line 19, column 28: cannot compare string with int"}
    assert errors[-1] == {"path": "$.content", "reason": "and 70 more problems"}
    assert size < 10 * SMALL
    assert _rows(engine) == before

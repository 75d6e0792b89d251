import pytest

from rules_engine import ir
from rules_engine.checker import Scope, check_expression
from rules_engine.issues import Position
from rules_engine.parser import parse_expression

SCOPE = Scope(
    {
        "fp.total_kgco2e": "double",
        "fp.verified": "bool",
        "fp.declared_unit": "string",
        "fp.reference_year": "int",
        "fp.accounting_standards": "list(string)",
        "benchmark.p50": "double",
    },
    {"max_dqr": (3.0, "double")},
)


def check(text: str, want: str | None = "bool") -> tuple[ir.Expr | None, list]:
    node, issues = parse_expression(text, Position("r.yaml", 5, 11))
    assert node is not None, issues
    return check_expression(node, SCOPE, Position("r.yaml", 5, 11), want)


def test_the_issue_example_type_checks() -> None:
    expr, issues = check("fp.total_kgco2e <= 1.2 * benchmark.p50 && fp.verified")
    assert issues == [] and expr is not None and expr.type == "bool"
    assert expr.facts() == {"fp.total_kgco2e", "benchmark.p50", "fp.verified"}


def test_misspelt_field_is_an_error_with_position_and_hint() -> None:
    _, issues = check("fp.totl_kgco2e <= 1.0")
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.file, issue.line, issue.column, issue.code) == ("r.yaml", 5, 11, "unknown-field")
    assert "fp.total_kgco2e" in issue.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("fp.declared_unit < 3.0", "cannot compare string with double"),
        ("fp.total_kgco2e * 2", "CEL does not mix int and double"),
        ("fp.verified + 1", "cannot apply +"),
        ("fp.total_kgco2e", "expected bool"),
        ("fp.reference_year / 2", "integer division"),
        ('fp.verified ? 1 : "x"', "different types"),
        ("size(fp.accounting_standards) > 0", "unknown function size()"),
    ],
)
def test_type_errors_are_load_errors(text: str, fragment: str) -> None:
    _, issues = check(text)
    assert issues and issues[0].code in ("type-error", "unsupported", "unknown-function")
    assert fragment in issues[0].message
    assert issues[0].line == 5 and issues[0].column >= 11


def test_int_and_double_may_be_compared_and_params_resolve_to_named_constants() -> None:
    expr, issues = check("fp.reference_year >= 2025 && fp.total_kgco2e <= params.max_dqr")
    assert issues == []
    assert expr is not None
    labels = [n.label for n in ir.walk(expr) if isinstance(n, ir.Const) and n.label]
    assert labels == ["params.max_dqr"]


def test_list_facts_take_constant_members() -> None:
    expr, issues = check(
        '"ISO 14067:2018" in fp.accounting_standards || sets.intersects(fp.accounting_standards, ["PACT-3.0"])'
    )
    assert issues == [] and expr is not None
    _, issues = check("fp.declared_unit in fp.accounting_standards")
    assert issues and issues[0].code == "unsupported"

from rules_engine import syntax as s
from rules_engine.checker import Scope, check_expression
from rules_engine.issues import Position
from rules_engine.parser import parse_expression, parse_unary_tests


def test_parses_the_issue_example_with_positions() -> None:
    node, issues = parse_expression("fp.total_kgco2e <= 1.2 * benchmark.p50 && fp.verified")
    assert issues == []
    assert isinstance(node, s.Binary) and node.op == "&&"
    assert isinstance(node.left, s.Binary) and node.left.op == "<="
    assert s.dotted_name(node.left.left) == "fp.total_kgco2e"
    assert (node.right.line, node.right.column) == (1, 43)


def test_syntax_error_names_line_and_column_in_the_file() -> None:
    node, issues = parse_expression("fp.dqr <=", Position("r.yaml", 10, 11))
    assert node is None
    assert (issues[0].file, issues[0].line, issues[0].column, issues[0].code) == ("r.yaml", 10, 18, "syntax")
    assert "unexpected end" in issues[0].message


def test_foreign_syntax_is_rejected_not_evaluated() -> None:
    for text in ["fp.x; fp.y", "lambda: 1", "fp.x @ 2", "fp.x if fp.y else 1", "{'a': 1}"]:
        node, issues = parse_expression(text)
        assert node is None and issues[0].code == "syntax", text
    # a call parses, but only built-in functions type-check (see test_checker)
    node, issues = parse_expression("__import__('os')")
    assert isinstance(node, s.Call) and issues == []
    _, issues = check_expression(node, Scope({}), Position())
    assert issues[0].code == "unknown-function"


def test_unary_tests_cover_s_feel() -> None:
    cases = {
        "-": s.AnyTest,
        ">=18": s.TestList,
        '"Medium","Low"': s.TestList,
        'not("High")': s.TestList,
        "[1..2)": s.TestList,
        "]1..2[": s.TestList,
        "(benchmark.p10..benchmark.p25]": s.TestList,
    }
    for text, kind in cases.items():
        node, issues = parse_unary_tests(text)
        assert issues == [], text
        assert isinstance(node, kind), text
    node, _ = parse_unary_tests('not("High")')
    assert isinstance(node, s.TestList) and node.negated
    node, _ = parse_unary_tests("[1..2)")
    assert isinstance(node, s.TestList)
    interval = node.tests[0]
    assert isinstance(interval, s.IntervalTest) and interval.low_closed and not interval.high_closed


def test_list_and_parenthesis_still_parse_in_expressions() -> None:
    node, issues = parse_expression('fp.system_boundary in ["cradle_to_gate"] && (1.0 + 2.0) * 3.0 > 0.0')
    assert issues == [] and isinstance(node, s.Binary)

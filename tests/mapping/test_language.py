"""A bad mapping file is refused when it loads, naming the file, the line and the reason."""

from pathlib import Path

import pytest

from hub.mapping import MappingFileError, compile_file
from tests.mapping.helpers import write_mapping


def refused(tmp_path: Path, body: str) -> MappingFileError:
    path = write_mapping(tmp_path, body)
    with pytest.raises(MappingFileError) as info:
        compile_file(path)
    err = info.value
    assert err.file.endswith("m.yaml")
    assert str(err).startswith(f"{err.file}:{err.line}: ")
    return err


def test_a_good_mapping_loads(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, "rules:\n  - {target: tzjBianhao, source: iri}\n")
    assert compile_file(path).map({"iri": "x"}).output["tzjBianhao"] == "x"


def test_unknown_source_field(tmp_path: Path) -> None:
    err = refused(
        tmp_path,
        "rules:\n  - {target: tzjBianhao, source: iri}\n  - {target: banbenHao, source: product.colour}\n",
    )
    assert err.line == 13
    assert "unknown source field 'product.colour'" in err.reason
    assert "known fields of product" in err.reason and "category_code" in err.reason


def test_unknown_field_in_an_expression_binding(tmp_path: Path) -> None:
    body = "rules:\n  - target: tzjBianhao\n    with: {x: owner.nickname}\n    expr: x\n"
    err = refused(tmp_path, body)
    assert err.line == 13 and "owner.nickname" in err.reason


def test_unit_that_cannot_convert(tmp_path: Path) -> None:
    body = (
        "rules:\n"
        "  - target: tanZujiTco2e\n"
        "    source: total_kgco2e\n"
        "    transforms:\n"
        "      - convert: {from: kgCO2e, to: kWh}\n"
    )
    err = refused(tmp_path, body)
    assert err.line == 15
    assert "'kgCO2e' (emission) cannot convert to 'kWh' (energy)" in err.reason


def test_unknown_unit(tmp_path: Path) -> None:
    body = (
        "rules:\n  - target: tanZujiTco2e\n    source: total_kgco2e\n"
        "    transforms: [{convert: {from: kgCO2e, to: lbCO2e}}]\n"
    )
    assert "'lbCO2e' is not in schema/codelists/units.yaml" in refused(tmp_path, body).reason


def test_code_with_no_crosswalk(tmp_path: Path) -> None:
    body = (
        "rules:\n"
        "  - target: hsBianma\n"
        "    source: product.category_code\n"
        "    transforms:\n"
        "      - crosswalk: {scheme: hs2022, require: [KP-46, KP-10]}\n"
    )
    err = refused(tmp_path, body)
    assert err.line == 15
    assert "KP-10 has no hs2022 crosswalk" in err.reason


def test_value_map_missing_a_source_code(tmp_path: Path) -> None:
    body = (
        "rules:\n"
        "  - target: xitongBianjie\n"
        "    source: system_boundary\n"
        "    transforms:\n"
        "      - map: {values: {cradle_to_gate: 摇篮到大门, cradle_to_grave: 摇篮到坟墓}}\n"
    )
    err = refused(tmp_path, body)
    assert err.line == 15 and "['gate_to_gate']" in err.reason


def test_value_map_naming_a_code_the_source_does_not_have(tmp_path: Path) -> None:
    body = (
        "rules:\n"
        "  - target: xitongBianjie\n"
        "    source: system_boundary\n"
        "    transforms:\n"
        "      - map: {values: {cradle_to_gate: a, cradle_to_grave: b, gate_to_gate: c,"
        " cradle_to_cradle: d}}\n"
    )
    assert "['cradle_to_cradle']" in refused(tmp_path, body).reason


def test_cycle_through_let_values(tmp_path: Path) -> None:
    body = (
        "let:\n"
        "  a: {expr: b + 1}\n"
        "  b: {expr: c * 2}\n"
        "  c: {expr: a - 1}\n"
        "rules:\n"
        "  - {target: tanZujiTco2e, expr: a}\n"
    )
    err = refused(tmp_path, body)
    assert err.line == 12
    assert "cycle: let 'a' is derived from itself (a -> b -> c -> a)" in err.reason


def test_a_let_derived_from_itself(tmp_path: Path) -> None:
    err = refused(tmp_path, "let:\n  a: {expr: a + 1}\nrules:\n  - {target: tanZujiTco2e, expr: a}\n")
    assert err.line == 12 and "cycle" in err.reason


def test_unknown_function_and_unsafe_expression(tmp_path: Path) -> None:
    err = refused(tmp_path, "rules:\n  - {target: tzjBianhao, expr: \"open('/etc/passwd')\"}\n")
    assert "unknown function 'open'" in err.reason
    err = refused(tmp_path, 'rules:\n  - {target: tzjBianhao, expr: "(lambda: 1)()"}\n')
    assert "Lambda" in err.reason
    err = refused(tmp_path, 'rules:\n  - {target: tzjBianhao, expr: "iri.__class__"}\n')
    assert "Attribute" in err.reason


def test_language_schema_violation_names_the_line(tmp_path: Path) -> None:
    err = refused(tmp_path, "rules:\n  - {target: tzjBianhao, source: iri, colour: red}\n")
    assert err.line == 12 and "rules/0" in err.reason


def test_two_rules_writing_one_target(tmp_path: Path) -> None:
    err = refused(
        tmp_path, "rules:\n  - {target: tzjBianhao, source: iri}\n  - {target: tzjBianhao, source: comment}\n"
    )
    assert err.line == 13 and "line 12" in err.reason


def test_yaml_syntax_error(tmp_path: Path) -> None:
    err = refused(tmp_path, "rules:\n  - {target: [unclosed\n")
    assert "not valid YAML" in err.reason and err.line is not None


def test_a_rule_replacing_an_object_other_rules_wrote_into(tmp_path: Path) -> None:
    err = refused(tmp_path, "rules:\n  - {target: a.b, source: iri}\n  - {target: a, value: {}}\n")
    assert err.line == 13
    assert "replaces an object that earlier rules wrote into" in err.reason

"""The `mappings` click group: test, diff, show, export --sssom (read back by the sssom package)."""

import re
import shutil
import warnings
from pathlib import Path

from click.testing import CliRunner

from hub.jsonld.datadir import MAPPINGS_DIR, SCHEMA_DIR
from hub.mapping.cli import mappings


def copy_tree(tmp_path: Path) -> Path:
    """A copy of mappings/ (and the schema/ its files point to), for tests that edit mappings."""
    shutil.copytree(MAPPINGS_DIR, tmp_path / "mappings")
    shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    return tmp_path / "mappings"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(mappings, list(args))
    return result.exit_code, result.output


def test_test_command_passes_on_the_project_mappings() -> None:
    code, out = run("test")
    assert code == 0, out
    # Every case passes, however many there are (other fixes add cases); at least the 55 of issue 10.
    found = re.search(r"^(\d+) of (\d+) golden cases passed$", out, re.MULTILINE)
    assert found and found[1] == found[2] and int(found[1]) >= 55, out


def test_test_command_fails_loudly(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    mapping = root / "yrd" / "zj-to-yrd.yaml"
    text = mapping.read_text(encoding="utf-8").replace("to: tCO2e}}]}", "to: kgCO2e}}]}", 1)
    mapping.write_text(text, encoding="utf-8")
    code, out = run("test", "--root", str(root))
    assert code == 1
    assert "FAIL  " in out and "tanZujiTco2e: expected 0.0" in out
    assert "golden case(s) FAILED" in out


def test_refused_mapping_file_is_reported(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    mapping = root / "gba" / "zj-to-gba.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("source: product.gtin", "source: product.ean"))
    code, out = run("test", "--root", str(root))
    assert code == 1
    assert "zj-to-gba.yaml:" in out and "unknown source field 'product.ean'" in out


def test_diff_shows_changed_output_fields(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"  # e.g. from `git show main:mappings/yrd/zj-to-yrd.yaml`
    old.write_text((MAPPINGS_DIR / "yrd" / "zj-to-yrd.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    new = copy_tree(tmp_path) / "yrd" / "zj-to-yrd-new.yaml"
    text = old.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.1.0")
    assert not list(new.parent.glob("*.tmp"))
    text = text.replace("cradle_to_gate: 摇篮到大门", "cradle_to_gate: 从摇篮到大门")
    new.write_text(text, encoding="utf-8")
    code, out = run("diff", str(old), str(new))
    assert code == 0, out
    assert "output.xitongBianjie: '摇篮到大门' -> '从摇篮到大门'" in out
    assert "output.yingsheBanben: '1.0.0' -> '1.1.0'" in out
    assert out.strip().endswith("8 input(s) change")
    assert not list(new.parent.glob(".*.tmp")), "the temporary copy of OLD is removed"


def test_show_prints_the_rules() -> None:
    code, out = run("show", "pact")
    assert code == 0
    assert "pcf.pcfExcludingBiogenicUptake" in out and "total_kgco2e" in out and "decimal" in out
    assert "not mapped (reported as lost)" in out
    code, out = run("show", "pact", "--source")
    assert code == 0 and out.startswith("def ")
    code, out = run("show", "nowhere")
    assert code != 0 and "no export mapping for target 'nowhere'" in out


def test_export_sssom_is_read_back_by_sssom(tmp_path: Path) -> None:
    target = tmp_path / "pact.sssom.tsv"
    code, out = run("export", "--sssom", "pact", "-o", str(target))
    assert code == 0, out
    with warnings.catch_warnings():
        # sssom and pandas warn about their own deprecations; not ours to fix.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        from sssom.parsers import parse_sssom_table

        msdf = parse_sssom_table(target)
    df = msdf.df
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/cfhub/mapping/zj-to-pact/1.0.0/sssom.tsv"
    row = df[df["object_id"] == "pact:pcf.pcfExcludingBiogenicUptake"].iloc[0]
    assert row["subject_id"] == "zj_footprint:total_kgco2e"
    assert row["predicate_id"] == "skos:exactMatch"
    kp46 = df[(df["subject_id"] == "kp:KP-46") & (df["object_id"] == "hs2022:850760")].iloc[0]
    assert kp46["predicate_id"] == "skos:closeMatch" and kp46["confidence"] == 0.8
    assert len(df) > 100

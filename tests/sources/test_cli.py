"""`cfhub import-source KIND FILE`: the same import from the command line, all or nothing, regulator only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from hub.cli import main
from hub.db.models import SourceRecord
from tests.sheets.test_cli import _sync

TEA = "913300001MA21K7Q3Q"


def test_import_source_imports_once_and_refuses_a_bad_file_or_another_role(
    demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFHUB_DATABASE_URL", demo_db_url)
    engine = create_engine(_sync(demo_db_url), poolclass=NullPool)
    count = select(func.count()).select_from(SourceRecord)
    with engine.connect() as conn:
        before = conn.scalar(count) or 0
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"credit_code,period,item,amount,unit\n{TEA},2023-03,output,20,t\n", encoding="utf-8")
    bad.write_text(f"credit_code,period,item,amount,unit\n{TEA},2023-03,output,Infinity,t\n", encoding="utf-8")
    args = ["--publisher", "energy office (test)", "--licence", "CC BY 4.0"]

    def run(file: Path, org: str = "zj-regulator") -> tuple[int, str]:
        result = CliRunner().invoke(main, ["import-source", "energy-monitoring", str(file), "--org", org, *args])
        return result.exit_code, result.output

    code, output = run(bad)
    assert code == 1 and "file bad.csv, row 2, column amount: 'Infinity' is not a finite number" in output
    code, output = run(good, "zj-battery")
    assert code == 1 and "importSource" in output
    code, output = run(good)
    assert code == 0 and output.startswith("created\t") and "1 rows" in output
    code, output = run(good)
    assert code == 0 and output.startswith("unchanged\t")
    with engine.connect() as conn:
        assert conn.scalar(count) == before + 1
    engine.dispose()

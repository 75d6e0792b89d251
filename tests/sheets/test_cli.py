"""`cfhub import-sheet FILE --org KEY`: the same import from the command line, with progress, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.cli import main
from hub.db.models import EmissionFactor, Footprint, Organization, Product
from tests.sheets.test_parse import _footprint, _line, _xlsx


def _sync(url: str) -> str:
    u = make_url(url)
    u = u.set(drivername="postgresql+psycopg" if u.get_backend_name() == "postgresql" else "sqlite")
    return u.render_as_string(hide_password=False)


def test_import_sheet_imports_once_shows_progress_and_refuses_a_bad_file(
    demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(_sync(demo_db_url), poolclass=NullPool)
    with engine.connect() as conn:
        product = conn.scalar(
            select(Product.iri).join(Organization).where(Organization.iri.endswith("/org/zj-battery")).limit(1)
        )
        factor = conn.scalar(select(EmissionFactor.iri).where(EmissionFactor.unit == "kWh").limit(1))
    count = select(func.count()).select_from(Footprint)
    monkeypatch.setenv("CFHUB_DATABASE_URL", demo_db_url)
    good = tmp_path / "good.xlsx"
    row = _footprint("S1", product_iri=product, reference_period_start="2019-01-01", reference_period_end="2019-12-31")
    good.write_bytes(_xlsx([row], [_line("S1", 10, emission_factor_iri=factor)]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([row], [_line("S1", "ten", emission_factor_iri=factor)]))
    with engine.connect() as conn:
        before = conn.scalar(count)

    refused = CliRunner().invoke(main, ["import-sheet", str(bad), "--org", "zj-battery"])
    assert refused.exit_code == 1
    assert "sheet inventory, row 2, column amount: 'ten' is not a number" in refused.output
    first = CliRunner().invoke(main, ["import-sheet", str(good), "--org", "zj-battery"])
    assert first.exit_code == 0, first.output
    assert "read 2 rows" in first.output and "1 created, 0 unchanged" in first.output
    again = CliRunner().invoke(main, ["import-sheet", str(good), "--org", "zj-battery"])
    assert again.exit_code == 0, again.output
    assert "0 created, 1 unchanged" in again.output
    with engine.connect() as conn:
        assert conn.scalar(count) == (before or 0) + 1
    engine.dispose()

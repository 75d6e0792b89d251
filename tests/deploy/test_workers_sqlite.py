"""`--workers` on the SQLite default is refused up front, naming why and what to do instead."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hub.cli import main as cli


def test_serve_refuses_two_workers_on_sqlite_and_creates_nothing(tmp_path: Path) -> None:
    database = tmp_path / "cfhub.db"
    env = {"CFHUB_DATABASE_URL": f"sqlite:///{database}", "CFHUB_KEY_DIR": str(tmp_path / "keys")}
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    assert "--workers needs PostgreSQL" in result.output and "one worker" in result.output
    assert not database.exists() and not (tmp_path / "keys").exists()

"""The cfhub command, run in-process with click's runner against throwaway databases, and as a user runs it
(the installed `cfhub` in a folder of its own) where that is what the user meets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from hub.cli import main
from hub.db import migrate
from tests.e2e.test_quickstart import cfhub_command


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("CFHUB_DATABASE_URL", url)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def _commands(group: click.Group, path: list[str]) -> list[list[str]]:
    """Every command and group under `group`, read from click's own tree (so a new command is covered at once)."""
    out = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _commands(command, [*path, name])
        else:
            out.append([*path, name])
    return out


@pytest.mark.parametrize("command", _commands(main, []), ids=lambda c: " ".join(c) or "cfhub")
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output


def test_db_upgrade_and_downgrade(run, bare_db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run(bare_db_url, "db", "upgrade").output.strip().endswith(f"database at {migrate.head()}")
    assert run(bare_db_url, "db", "downgrade", "--revision", "base").output.strip().endswith("database at base")
    assert migrate.current(bare_db_url) is None


def test_demo_load_shows_progress_and_refuses_a_second_load(run, bare_db_url: str) -> None:  # type: ignore[no-untyped-def]
    first = run(bare_db_url, "demo", "load")
    assert first.exit_code == 0
    assert "loading product categories: 71" in first.output
    assert "loading footprint battery-zj-1" in first.output
    assert "demo loaded: 71 categories, 20 organizations" in first.output
    second = CliRunner().invoke(main, ["demo", "load"])
    assert second.exit_code == 1
    assert "already holds data" in second.output


def test_audit_verify_reports_an_intact_chain(run, demo_db_url: str) -> None:  # type: ignore[no-untyped-def]
    result = run(demo_db_url, "audit", "verify")
    assert result.exit_code == 0
    assert result.output.startswith("audit chain intact: ")


# -- commands that need a database, run as a user would: the real `cfhub` in a folder without one -----------


def _cfhub(cwd: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFHUB_")}
    if url:
        env["CFHUB_DATABASE_URL"] = url
    return subprocess.run([*cfhub_command(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


NEEDS_DATABASE = [
    ["token", "issue", "--org", "zj-battery", "--role", "enterprise"],
    ["audit", "verify"],
    ["client", "create", "--org", "yrd-platform"],
    ["rules", "explain", "label-grade-zj", "https://zj.cfhub.example.org/id/footprint/x"],
]


@pytest.mark.parametrize("command", NEEDS_DATABASE, ids=lambda c: " ".join(c[:2]))
def test_a_command_run_where_there_is_no_database_says_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    result = _cfhub(tmp_path, *command)
    where = tmp_path.resolve() / "cfhub.db"
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: No cfhub database at {where}: run `cfhub db upgrade` or `cfhub serve --demo` there, "
        "or set CFHUB_DATABASE_URL.\n"
    )
    assert list(tmp_path.iterdir()) == [], "nothing is created, least of all an empty cfhub.db"


@pytest.fixture
def tableless_db_url(bare_db_url: str) -> str:
    """A database that is there but has no tables (on SQLite: an empty file, as `sqlite3 cfhub.db` leaves)."""
    database = make_url(bare_db_url).database
    if make_url(bare_db_url).get_backend_name() == "sqlite" and database:
        Path(database).touch()
    return bare_db_url


@pytest.mark.parametrize("command", NEEDS_DATABASE[:2], ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_database_without_tables_says_so_in_one_line(
    tmp_path: Path, tableless_db_url: str, command: list[str]
) -> None:
    result = _cfhub(tmp_path, *command, url=tableless_db_url)
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: The database ") and "has no cfhub tables: run `cfhub db upgrade`" in line
    assert migrate.current(tableless_db_url) is None, "nothing was migrated behind the user's back"


def test_db_current_on_a_database_without_tables_is_base(tmp_path: Path, tableless_db_url: str) -> None:
    result = _cfhub(tmp_path, "db", "current", url=tableless_db_url)
    assert (result.returncode, result.stdout) == (0, "base\n")


def test_the_database_is_found_through_configuration(tmp_path: Path, demo_db_url: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _cfhub(elsewhere, "audit", "verify", url=demo_db_url)
    assert result.returncode == 0 and result.stdout.startswith("audit chain intact: ")
    assert list(elsewhere.iterdir()) == []

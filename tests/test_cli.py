"""The cfhub command, run in-process with click's runner against throwaway databases."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.db import migrate


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("CFHUB_DATABASE_URL", url)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    "command",
    [[], ["serve"], ["db"], ["db", "upgrade"], ["db", "downgrade"], ["demo", "load"], ["audit", "verify"], ["version"]],
)
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

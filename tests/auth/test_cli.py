"""`cfhub token` and `cfhub client` through click's CliRunner, as a user types them."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner

from hub.bootstrap import token_service
from hub.cli import main
from hub.config import Settings


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CFHUB_DATABASE_URL": db_url, "CFHUB_KEY_DIR": str(tmp_path / "keys")}


@pytest.mark.parametrize("ttl", ["-100", "0", "59", "86401", "315360000"])
def test_token_issue_refuses_lifetimes_out_of_bounds(demo_db_url: str, tmp_path: Path, ttl: str) -> None:
    args = ["token", "issue", "--org", "zj-battery", "--role", "enterprise", "--ttl", ttl]
    result = CliRunner().invoke(main, args, env=_env(demo_db_url, tmp_path))
    assert result.exit_code == 2
    assert "Invalid value for '--ttl'" in result.output and "60<=x<=86400" in result.output


def test_token_issue_ttl_is_the_lifetime(demo_db_url: str, tmp_path: Path) -> None:
    args = ["token", "issue", "--org", "zj-battery", "--role", "enterprise", "--ttl", "86400"]
    result = CliRunner().invoke(main, args, env=_env(demo_db_url, tmp_path))
    assert result.exit_code == 0, result.output
    claims = jwt.decode(result.output.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 86400
    settings = Settings(database_url=demo_db_url, key_dir=tmp_path / "keys")
    assert token_service(settings).verify(result.output.strip()).org_iri == settings.base_iri + "org/zj-battery"


def test_token_issue_help_states_the_bounds() -> None:
    result = CliRunner().invoke(main, ["token", "issue", "--help"])
    assert "60 (a minute) to 86400 (a day)" in " ".join(result.output.split())


def test_an_unbounded_configured_lifetime_is_refused_in_one_line(demo_db_url: str, tmp_path: Path) -> None:
    env = _env(demo_db_url, tmp_path) | {"CFHUB_TOKEN_TTL_SECONDS": "315360000"}
    result = CliRunner().invoke(main, ["token", "issue", "--org", "zj-battery", "--role", "enterprise"], env=env)
    assert result.exit_code == 1
    assert result.output == (
        "Error: the token lifetime (CFHUB_TOKEN_TTL_SECONDS) must be between 60 and 86400 seconds, not 315360000\n"
    )

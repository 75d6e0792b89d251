"""The GraphQL-over-HTTP audit of the `graphql-http` npm package reports no error against a running hub.

Runs where Node.js and npm are present (npm installs the package once into a cache folder); skips, saying
why, where they are not.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.bootstrap import open_hub
from hub.config import Settings
from tests import node_packages
from tests.api.live import LiveServer

HERE = Path(__file__).resolve().parent / "graphql-http-audit"


def _installed() -> Path:
    return node_packages.installed(HERE, "graphql-http-audit", "graphql-http", ("audit.mjs",))


def _audit(folder: Path, url: str, token: str | None) -> list[dict[str, str]]:
    args = ["node", "audit.mjs", url, *([token] if token else [])]
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) > 30
    return results


@pytest.mark.slow
def test_graphql_http_audit_reports_no_error(demo_db_url: str, tmp_path: Path) -> None:
    """Production settings. Authenticated, the audit finds no error and no warning. Anonymous, the only
    audits that fail are those that introspect (`__type`), which the hub refuses to the public role by
    design (docs/security.md)."""
    folder = _installed()
    hub = open_hub(Settings(database_url=demo_db_url, key_dir=tmp_path / "keys"))  # production defaults
    bearer = hub.tokens.issue(Principal(Role.ENTERPRISE, hub.settings.base_iri + "org/zj-battery", "ZJ"))
    with LiveServer(create_app(hub=hub)) as server:
        authenticated = _audit(folder, f"{server.url}/graphql", bearer)
        anonymous = _audit(folder, f"{server.url}/graphql", None)
    problems = [f"{r['id']} {r['name']}: {r.get('reason')}" for r in authenticated if r["status"] in {"error", "warn"}]
    assert problems == [], problems
    introspecting = {"28B9", "2EA1"}  # their queries use __type(name:)
    public_errors = {r["id"] for r in anonymous if r["status"] == "error"}
    assert public_errors <= introspecting, public_errors

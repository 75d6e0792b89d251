"""A live hub for the token, key and client tests: uvicorn on loopback, driven with httpx and the real CLI.

The CLI runs through click's CliRunner with the environment a user would set (CFHUB_DATABASE_URL,
CFHUB_KEY_DIR): its own objects, like a second process, on the same database and key folder as the server.
"""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from click.testing import CliRunner, Result

from hub.app import create_app
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from tests.api.live import LiveServer

VIEWER = {"query": "{ viewer { role organizationIri } }"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class AuthLive:
    hub: Hub
    http: httpx.Client
    env: dict[str, str]

    def cli(self, *args: str) -> Result:
        from hub.cli import main

        return CliRunner().invoke(main, list(args), env=self.env)

    def create_client(self, org: str) -> tuple[str, str]:
        result = self.cli("client", "create", "--org", org)
        assert result.exit_code == 0, result.output
        found = re.search(r"client_id: (\S+)\nclient_secret: (\S+)", result.output)
        assert found is not None, result.output
        return found[1], found[2]

    def request_token(self, client_id: str, secret: str) -> httpx.Response:
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return self.http.post(
            "/oauth/token", content="grant_type=client_credentials", headers={**FORM, "Authorization": f"Basic {basic}"}
        )

    def viewer(self, bearer: str) -> httpx.Response:
        return self.http.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {bearer}"})


@contextlib.contextmanager
def auth_live(db_url: str, key_dir: Path, **overrides: object) -> Iterator[AuthLive]:
    hub = open_hub(Settings(database_url=db_url, key_dir=key_dir, **overrides))  # type: ignore[arg-type]
    env = {"CFHUB_DATABASE_URL": db_url, "CFHUB_KEY_DIR": str(key_dir)}
    with LiveServer(create_app(hub=hub)) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield AuthLive(hub, http, env)

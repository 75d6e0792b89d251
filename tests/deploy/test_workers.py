"""`cfhub serve --workers 2` on PostgreSQL: two real worker processes behind one port agree on keys, tokens,
the failure throttle and label statuses, because all of it lives in the database or the shared key folder
(docs/deploy.md). Each request opens a new connection, so the kernel spreads them over both workers; the
dev-mode header `Cfhub-Worker` names the one that answered."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from hub.cli import main as cli
from hub.integrity.identity import IDENTITY_FOLDER
from tests import databases
from tests.e2e.test_quickstart import cfhub_command, free_port

pytestmark = pytest.mark.skipif(
    databases.backend() != "postgresql", reason="--workers needs PostgreSQL: set CFHUB_TEST_DATABASE_URL"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
VIEWER = {"query": "{ viewer { role organizationIri } }"}
TRIES = 200  # requests, at most, to see a second worker answer: a bound, never expected to be reached


@dataclass
class Served:
    base: str
    env: dict[str, str]
    seen: dict[str, set[str]] = field(default_factory=dict)  # pid -> what each worker answered

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        with httpx.Client(base_url=self.base, timeout=30) as fresh:  # a new connection: any worker may answer
            response = fresh.request(method, path, **kwargs)  # type: ignore[arg-type]
        self.seen.setdefault(response.headers["cfhub-worker"], set()).add(path)
        return response

    def on_other_worker(self, than: str, request: Callable[[], httpx.Response]) -> httpx.Response:
        """Repeat `request` until a worker other than `than` answers it."""
        for _ in range(TRIES):
            response = request()
            if response.headers["cfhub-worker"] != than:
                return response
        raise AssertionError(f"only worker {than} answered {TRIES} requests")

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(cli, list(args), env=self.env)
        assert result.exit_code == 0, result.output
        return result.output


def _serve(url: str, key_dir: Path, cwd: Path) -> Iterator[Served]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFHUB_")}
    env |= {
        "CFHUB_DATABASE_URL": url,
        "CFHUB_KEY_DIR": str(key_dir),
        "CFHUB_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    proc = subprocess.Popen(
        [*cfhub_command(), "serve", "--workers", "2", "--dev", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", env)
    try:
        _wait_for_both(served, proc)
        yield served
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def _wait_for_both(served: Served, proc: subprocess.Popen[str]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            pytest.fail(f"cfhub serve exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            served.call("GET", "/health")
        except httpx.TransportError:
            time.sleep(0.2)  # the workers are still starting
            continue
        if len(served.seen) == 2:
            return
    pytest.fail(f"two workers did not both answer /health: {served.seen}")


@pytest.fixture(scope="module")
def served(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = templates.fresh("demo", databases.with_demo)
    folder = tmp_path_factory.mktemp("workers")
    yield from _serve(url, folder / "keys", folder)


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {**FORM, "Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _client(served: Served, org: str) -> tuple[str, str]:
    found = re.search(r"client_id: (\S+)\nclient_secret: (\S+)", served.cli("client", "create", "--org", org))
    assert found is not None
    return found[1], found[2]


def test_both_workers_publish_one_key_and_one_did_document(served: Served) -> None:
    first = served.call("GET", "/.well-known/jwks.json")
    other = served.on_other_worker(first.headers["cfhub-worker"], lambda: served.call("GET", "/.well-known/jwks.json"))
    assert first.json() == other.json() and len(first.json()["keys"]) == 1
    did = served.call("GET", "/.well-known/did.json")
    did_other = served.on_other_worker(did.headers["cfhub-worker"], lambda: served.call("GET", "/.well-known/did.json"))
    assert did.json() == did_other.json() and len(did.json()["verificationMethod"]) == 1


def test_a_token_from_one_worker_is_honoured_by_the_other(served: Served) -> None:
    client_id, secret = _client(served, "yrd-platform")
    issued = served.call(
        "POST", "/oauth/token", content="grant_type=client_credentials", headers=_basic(client_id, secret)
    )
    assert issued.status_code == 200, issued.text
    bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    answered = served.on_other_worker(
        issued.headers["cfhub-worker"], lambda: served.call("POST", "/graphql", json=VIEWER, headers=bearer)
    )
    assert answered.status_code == 200 and answered.json()["data"]["viewer"]["role"] == "regional_platform"


def test_failures_on_both_workers_fill_one_window(served: Served) -> None:
    """10 failures per client per minute (the default), spread over both workers, lock the client on both."""
    client_id, secret = _client(served, "yrd-platform")

    def token(with_secret: str) -> httpx.Response:
        body = "grant_type=client_credentials"
        return served.call("POST", "/oauth/token", content=body, headers=_basic(client_id, with_secret))

    wrong = [token(f"guess-{n}") for n in range(10)]
    assert [r.status_code for r in wrong] == [401] * 10
    assert len({r.headers["cfhub-worker"] for r in wrong}) == 2, "all ten went to one worker: this proves nothing"
    right = [token(secret) for _ in range(10)]
    assert [r.status_code for r in right] == [429] * 10
    assert len({r.headers["cfhub-worker"] for r in right}) == 2


def test_a_label_suspended_through_one_worker_shows_suspended_on_the_other(served: Served) -> None:
    bearer = {
        "Authorization": "Bearer "
        + served.cli("token", "issue", "--org", "zj-regulator", "--role", "regulator").strip()
    }
    labels = served.call(
        "POST", "/graphql", json={"query": '{ labels(status: "issued") { id serial } }'}, headers=bearer
    ).json()["data"]["labels"]
    label = labels[0]
    suspend = {
        "query": 'mutation($l: ID!) { suspendLabel(labelId: $l, reason: "two workers") '
        "{ label { status } errors { path reason } } }",
        "variables": {"l": label["id"]},
    }
    done = served.call("POST", "/graphql", json=suspend, headers=bearer)
    assert done.json()["data"]["suspendLabel"]["label"]["status"] == "suspended", done.text
    page = served.on_other_worker(
        done.headers["cfhub-worker"],
        lambda: served.call("GET", f"/l/{label['serial']}.json"),
    )
    assert page.status_code == 200, page.text
    assert page.json()["label"]["status"] == "suspended"


def test_two_workers_starting_on_an_empty_key_folder_make_one_key(
    templates: databases.Templates, tmp_path: Path
) -> None:
    url = templates.fresh("demo", databases.with_demo)
    for served in _serve(url, tmp_path / "keys", tmp_path):
        for ring in ("token-signing", IDENTITY_FOLDER):
            assert len([p for p in (tmp_path / "keys" / ring).iterdir() if p.suffix == ".pem"]) == 1, ring
        test_both_workers_publish_one_key_and_one_did_document(served)

"""`cfhub pact` as a user runs it (click's runner with the environment a user sets), against two real hubs:
partners are added and listed without their secrets, `cfhub pact pull URL` pulls with the partner's
credentials, `cfhub pact request` queues a request and `cfhub pact outbox` shows it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result

from hub.cli import main
from tests.pact.pact_hubs import Pair, two_hubs


async def cfhub(pair: Pair, *args: str) -> Result:
    env = {"CFHUB_DATABASE_URL": pair.zj.settings.database_url, "CFHUB_KEY_DIR": str(pair.zj.settings.key_dir)}
    env["CFHUB_BASE_IRI"] = pair.zj.settings.base_iri
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


async def test_partners_pull_request_and_outbox_from_the_command_line(
    demo_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    async with two_hubs(demo_db_url, empty_db_url, tmp_path) as pair:
        added = await cfhub(
            pair,
            "pact",
            "partners",
            "add",
            "other",
            "https://other.example/",
            "--client-id",
            "a",
            "--client-secret",
            "very-secret",
        )
        assert added.exit_code == 0, added.output
        twice = await cfhub(
            pair,
            "pact",
            "partners",
            "add",
            "other",
            "https://other.example",
            "--client-id",
            "a",
            "--client-secret",
            "b",
        )
        assert twice.exit_code == 1 and "$.name: a partner named 'other' exists already" in twice.output
        bad = await cfhub(pair, "pact", "partners", "add", "x", "ftp://x", "--client-id", "a", "--client-secret", "b")
        assert bad.exit_code == 1 and "$.base_url: must be an absolute http(s) URL" in bad.output
        listed = await cfhub(pair, "pact", "partners", "list")
        assert listed.exit_code == 0 and "other\thttps://other.example\t" in listed.output
        assert "very-secret" not in listed.output and pair.zj_client[1] not in listed.output

        pulled = await cfhub(pair, "pact", "pull", pair.gba_url, "--as", "zj-buyer")
        assert pulled.exit_code == 0, pulled.output
        report = json.loads(pulled.output)
        assert report["error"] is None and report["refused"] == [] and report["counts"]["stored"] > 50

        unknown = await cfhub(pair, "pact", "pull", "http://127.0.0.1:9")
        assert unknown.exit_code == 1 and "no credentials for http://127.0.0.1:9" in unknown.output

        asked = await cfhub(pair, "pact", "request", "gba", "--product-id", "urn:cfhub:product:x")
        assert asked.exit_code == 0 and "queued for gba" in asked.output
        outbox = await cfhub(pair, "pact", "outbox")
        assert outbox.exit_code == 0 and "RequestCreatedEvent" in outbox.output

"""Every command block of README.md works when pasted: the ```sh blocks run, in order, against a real hub
(`cfhub serve --demo` in a folder of its own, on a free loopback port put in place of the README's 8000).

A block that must not run here says so on a line `# readme-test: skip (why)`; each skip names its reason and
where else the command is tested."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tests.e2e.test_quickstart import cfhub_command, served_demo  # noqa: F401  (served_demo is a fixture)

README = Path(__file__).resolve().parents[2] / "README.md"
SKIP = re.compile(r"^\s*# readme-test: skip \((?P<why>[^)]+)\)\s*$", re.MULTILINE)
MOST_SKIPS = 3


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def runnable(block: str) -> bool:
    return SKIP.search(block) is None


def test_skipped_blocks_are_few_and_say_why() -> None:
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    skipped = [SKIP.search(b) for b in blocks if not runnable(b)]
    assert blocks and len(skipped) <= MOST_SKIPS, f"{len(skipped)} of {len(blocks)} README blocks are skipped"
    assert all(m and m["why"].strip() for m in skipped)


def _json_replies(output: str) -> list[object]:
    """The JSON documents `output` holds one after another (curl adds no line break between replies)."""
    decoder, replies, at = json.JSONDecoder(), [], 0
    while (at := output.find("{", at)) >= 0:
        reply, at = decoder.raw_decode(output, at)
        replies.append(reply)
    return replies


def test_every_readme_command_block_runs_against_a_served_hub(served_demo: str, tmp_path: Path) -> None:  # noqa: F811
    port = served_demo.rsplit(":", 1)[1]
    # the README runs commands from the repository, where scripts/serve-demo made .venv/bin/cfhub
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "cfhub").symlink_to(cfhub_command()[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFHUB_")}
    ran = 0
    for block in filter(runnable, sh_blocks(README.read_text(encoding="utf-8"))):
        script = re.sub(r"(localhost|127\.0\.0\.1):8000", f"127.0.0.1:{port}", block)
        command = ["bash", "-euo", "pipefail", "-c", script]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"README block failed:\n{block}\n{done.stderr}"
        replies = _json_replies(done.stdout)
        assert replies, f"README block printed no JSON reply:\n{block}\n{done.stdout}"
        for reply in replies:
            assert isinstance(reply, dict) and "errors" not in reply, f"README block:\n{block}\nanswered {reply}"
        ran += 1
    assert ran >= 2

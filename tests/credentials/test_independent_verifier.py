"""Digital Bazaar's verifier (npm `@digitalbazaar/vc`, `eddsa-rdfc-2022-cryptosuite`,
`vc-bitstring-status-list`) accepts the hub's label credentials, refuses a tampered one, and sees a suspension
and a revocation in the hub's status lists, fetched from the running hub.

Runs where Node.js and npm are present (npm installs the pinned packages once into a cache folder outside the
repository); skips, saying why, where they are not.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hub.domain.codes import LabelStatus
from tests import node_packages
from tests.credentials.live import LiveHub

HERE = Path(__file__).resolve().parent / "vc-verifier"


def _installed() -> Path:
    return node_packages.installed(HERE, "vc-verifier", "@digitalbazaar/vc", ("verify.mjs",))


def independent(folder: Path, live: LiveHub, tmp_path: Path, *credentials: dict[str, Any]) -> list[dict[str, Any]]:
    files = []
    for number, credential in enumerate(credentials):
        path = tmp_path / f"credential-{number}.json"
        path.write_text(json.dumps(credential), encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        ["node", "verify.mjs", live.url, *files], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@pytest.mark.slow
def test_the_independent_verifier_accepts_ours_and_sees_suspension_and_revocation(
    live: LiveHub, tmp_path: Path
) -> None:
    folder = _installed()
    first, second = live.serials()[:2]
    credential, other = live.credential(first), live.credential(second)
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["carbonLabel"]["grade"] = (
        "A" if credential["credentialSubject"]["carbonLabel"]["grade"] != "A" else "B"
    )
    wrong_issuer = {**credential, "issuer": "did:web:evil.example"}

    accepted, refused, misissued = independent(folder, live, tmp_path, credential, tampered, wrong_issuer)
    assert accepted == {"verified": True, "error": None, "status": {"revocation": False, "suspension": False}}
    assert not refused["verified"] and "Invalid signature" in refused["error"]
    assert not misissued["verified"]

    live.set_status(first, LabelStatus.SUSPENDED)
    [suspended] = independent(folder, live, tmp_path, credential)
    assert suspended["status"] == {"revocation": False, "suspension": True}

    live.set_status(first, LabelStatus.REVOKED)
    revoked, untouched = independent(folder, live, tmp_path, credential, other)
    assert revoked["status"] == {"revocation": True, "suspension": False}
    assert untouched == accepted, "another label's credential still verifies with both lists rebuilt"

"""`cfhub vc verify FILE|URL` as a user runs it, and the status list encoding bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.credentials.status_list import bit_at, decode_bits, encode_bits
from hub.credentials.vc import LIST_LENGTH
from hub.domain.codes import LabelStatus
from tests.credentials.live import LiveHub


def cfhub_vc_verify(live: LiveHub, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("CFHUB_DATABASE_URL", live.settings.database_url)
    monkeypatch.setenv("CFHUB_KEY_DIR", str(live.settings.key_dir))
    monkeypatch.setenv("CFHUB_PUBLIC_BASE_URL", live.settings.public_base_url)
    result = CliRunner().invoke(main, ["vc", "verify", *args])
    return result.exit_code, result.output


def test_cli_verifies_a_file_and_a_url_and_sees_a_revocation(
    live: LiveHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serial = live.serials()[0]
    path = tmp_path / "label.json"
    path.write_text(json.dumps(live.credential(serial)), encoding="utf-8")
    url = f"{live.url}/l/{serial}/credential.json"
    for source in (str(path), url):
        code, output = cfhub_vc_verify(live, monkeypatch, source)
        assert (code, output.splitlines()[-1]) == (0, "verified"), output
    live.set_status(serial, LabelStatus.REVOKED)
    code, output = cfhub_vc_verify(live, monkeypatch, str(path), "--json")
    report = json.loads(output)
    assert code == 1 and report["status"]["revocation"] is True and not report["verified"]
    code, output = cfhub_vc_verify(live, monkeypatch, str(tmp_path / "missing.json"))
    assert code == 1 and "no such file" in output


def test_bits_are_numbered_from_the_left_of_a_16_kib_list() -> None:
    """Bitstring Status List v1.0: index 0 is the left-most bit; the list is at least 16 KiB uncompressed."""
    bits = decode_bits(encode_bits([0, 9, LIST_LENGTH - 1]))
    assert len(bits) == 16 * 1024
    assert (bits[0], bits[1], bits[-1]) == (0b1000_0000, 0b0100_0000, 0b0000_0001)
    assert [bit_at(bits, i) for i in (0, 1, 8, 9, LIST_LENGTH - 1)] == [True, False, False, True, True]
    with pytest.raises(ValueError, match="outside the list"):
        bit_at(bits, LIST_LENGTH)
    with pytest.raises(ValueError, match="multibase base64url"):
        decode_bits("z123")
    assert encode_bits([]) == encode_bits([]), "deterministic: no timestamp in the GZIP header"

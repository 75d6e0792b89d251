"""`cfhub peers` and `cfhub identity` as an operator types them: peers are registered, listed and removed; bad
input is refused naming the field, with nothing written; our client secret at a peer never enters the
database; identity keys rotate and what the old key signed still verifies."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from hub.bootstrap import hub_identity
from hub.cli import main
from hub.config import Settings
from hub.db.engine import sync_url
from hub.db.models import SharingAgreement
from hub.integrity.identity import key_resolver
from hub.integrity.proofs import verify_proof

SECRET = "s3cret-at-the-peer-0123456789"


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CFHUB_DATABASE_URL": db_url, "CFHUB_KEY_DIR": str(tmp_path / "keys"), "CFHUB_PEER_CLIENT_SECRET": ""}


def _agreement(db_url: str, region: str) -> str:
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    with engine.connect() as conn:
        iri = conn.scalar(select(SharingAgreement.iri).where(SharingAgreement.region == region))
    engine.dispose()
    assert iri is not None
    return iri


def _dump(db_url: str) -> str:
    """Every peer row and every text of the database that could hold a secret, as one string."""
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    with engine.connect() as conn:
        peers = conn.execute(text("SELECT * FROM peer")).all()
        audit = conn.execute(text("SELECT detail FROM audit_event")).all()
    engine.dispose()
    return repr(peers) + repr(audit)


def _peers(args: list[str], db_url: str, tmp_path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["peers", *args], env=_env(db_url, tmp_path))
    return result.exit_code, result.output


def test_add_list_remove_a_peer_with_its_agreement_and_client(demo_db_url: str, tmp_path: Path) -> None:
    agreement = _agreement(demo_db_url, "YRD")
    add = ["add", "--region", "yrd", "--base-url", "https://yrd.cfhub.example.org", "--agreement", agreement]
    code, out = _peers([*add, "--client-id", "zj-at-yrd", "--client-secret", SECRET], demo_db_url, tmp_path)
    assert code == 0, out
    assert "did:web:yrd.cfhub.example.org" in out
    code, out = _peers(["list"], demo_db_url, tmp_path)
    assert out.split("\t") == [
        "YRD",
        "https://yrd.cfhub.example.org",
        "did:web:yrd.cfhub.example.org",
        agreement,
        "zj-at-yrd",
        "read by regulator; onward transfer prohibited; kept 365 days\n",
    ]
    secret_file = tmp_path / "keys" / "peer-credentials" / "YRD.secret"
    assert secret_file.read_text() == SECRET and stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert SECRET not in _dump(demo_db_url)
    assert _peers(["remove", "YRD"], demo_db_url, tmp_path)[0] == 0
    assert not secret_file.exists()
    assert "no peers yet" in _peers(["list"], demo_db_url, tmp_path)[1]


def test_bad_peers_are_refused_naming_the_field_and_nothing_is_written(demo_db_url: str, tmp_path: Path) -> None:
    gba_agreement = _agreement(demo_db_url, "GBA")
    cases = [
        (["--region", "ZJ", "--base-url", "https://zj2.example.org"], "$.region: is this hub's own region"),
        (["--region", "MARS", "--base-url", "https://m.example.org"], "$.region: is not a region"),
        (["--region", "YRD", "--base-url", "ftp://yrd.example.org"], "$.base_url: the base URL must be an http(s)"),
        (["--region", "YRD", "--base-url", "https://yrd.example.org/x"], "$.base_url"),
        (["--region", "YRD", "--base-url", "https://yrd.example.org", "--did", "did:web:evil.example"], "$.did"),
        (
            ["--region", "YRD", "--base-url", "https://yrd.example.org", "--agreement", gba_agreement],
            "$.agreement_iri: is an agreement with GBA",
        ),
        (["--region", "YRD", "--base-url", "https://yrd.example.org", "--read-by", "public"], "$.read_by[0]"),
        (["--region", "YRD", "--base-url", "https://yrd.example.org", "--retention-days", "0"], "$.retention_days"),
        (
            ["--region", "YRD", "--base-url", "https://yrd.example.org", "--agreement", "urn:x"],
            "$.agreement_iri: names no sharing agreement",
        ),
    ]
    for args, reason in cases:
        code, out = _peers(["add", *args], demo_db_url, tmp_path)
        assert code == 1 and reason in out, (args, out)
    assert "no peers yet" in _peers(["list"], demo_db_url, tmp_path)[1]
    assert _dump(demo_db_url).startswith("[]")
    assert not (tmp_path / "keys" / "peer-credentials").exists()


def test_one_peer_per_region_and_removing_an_unknown_one_says_so(demo_db_url: str, tmp_path: Path) -> None:
    assert _peers(["add", "--region", "GBA", "--base-url", "http://127.0.0.1:9"], demo_db_url, tmp_path)[0] == 0
    code, out = _peers(["add", "--region", "GBA", "--base-url", "http://127.0.0.1:10"], demo_db_url, tmp_path)
    assert code == 1 and "already known" in out
    code, out = _peers(["remove", "YRD"], demo_db_url, tmp_path)
    assert code == 1 and "no peer hub for region 'YRD'" in out


def test_identity_key_rotation_keeps_old_signatures_verifiable(tmp_path: Path) -> None:
    env = {"CFHUB_KEY_DIR": str(tmp_path / "keys"), "CFHUB_PUBLIC_BASE_URL": "https://zj.example.org"}
    identity = hub_identity(Settings(key_dir=tmp_path / "keys", public_base_url="https://zj.example.org"))
    signed = identity.sign({"id": "urn:example:bundle"}, datetime(2026, 11, 27, tzinfo=UTC))
    old = signed["proof"]["verificationMethod"]
    rotated = CliRunner().invoke(main, ["identity", "rotate-key"], env=env)
    assert rotated.exit_code == 0 and "did:web:zj.example.org#" in rotated.output
    listed = CliRunner().invoke(main, ["identity", "keys"], env=env).output.splitlines()
    assert listed[1] == old and listed[2].endswith("(current)") and old not in listed[2]
    document = identity.did_document()
    assert verify_proof(signed, key_resolver(document)).verified
    current = listed[2].split()[0]
    refused = CliRunner().invoke(main, ["identity", "retire-key", current], env=env)
    assert refused.exit_code == 1 and "rotate first (cfhub identity rotate-key)" in refused.output
    assert CliRunner().invoke(main, ["identity", "retire-key", old], env=env).exit_code == 0
    assert not verify_proof(signed, key_resolver(identity.did_document())).verified

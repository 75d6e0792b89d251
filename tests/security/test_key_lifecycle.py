"""Issue 9 item 9: signing keys have a life cycle without restarts.

`cfhub token rotate-key` and `retire-key` run beside a serving hub (same key folder): the new key is served
in the JWKS and signs the very next token; a retired key's tokens are refused on the next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from tests.security.auth_live import AuthLive, auth_live


@pytest.fixture
def live(demo_db_url: str, tmp_path: Path) -> Iterator[AuthLive]:
    with auth_live(demo_db_url, tmp_path / "keys") as served:
        yield served


def _cli_token(live: AuthLive) -> str:
    result = live.cli("token", "issue", "--org", "zj-battery", "--role", "enterprise")
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def _served_kids(live: AuthLive) -> set[str]:
    return {key["kid"] for key in live.http.get("/.well-known/jwks.json").json()["keys"]}


def test_a_rotated_key_is_served_and_signs_at_once_and_a_retired_key_stops_verifying(live: AuthLive) -> None:
    client_id, secret = live.create_client("yrd-platform")
    before = _cli_token(live)
    old_kid = _kid(before)
    assert _served_kids(live) == {old_kid}
    assert live.viewer(before).status_code == 200

    rotated = live.cli("token", "rotate-key")
    assert rotated.exit_code == 0, rotated.output
    new_kid = rotated.output.split()[-1]
    assert _served_kids(live) == {old_kid, new_kid}
    fresh = live.request_token(client_id, secret)  # signed by the running server
    assert fresh.status_code == 200, fresh.text
    assert _kid(fresh.json()["access_token"]) == new_kid
    after = _cli_token(live)
    assert _kid(after) == new_kid
    for token in (before, after, fresh.json()["access_token"]):
        assert live.viewer(token).status_code == 200, live.viewer(token).text

    retired = live.cli("token", "retire-key", old_kid)
    assert retired.exit_code == 0, retired.output
    refused = live.viewer(before)
    assert refused.status_code == 401
    assert "unknown kid" in refused.json()["errors"][0]["message"]
    assert _served_kids(live) == {new_kid}
    assert live.viewer(after).status_code == 200


def test_the_current_key_cannot_be_retired(live: AuthLive) -> None:
    token = _cli_token(live)
    refused = live.cli("token", "retire-key", _kid(token))
    assert refused.exit_code == 1
    assert "is the current signing key; rotate first" in refused.output
    unknown = live.cli("token", "retire-key", "20990101T000000000000-deadbeef")
    assert unknown.exit_code == 1 and "no signing key" in unknown.output
    assert live.viewer(token).status_code == 200
    assert _served_kids(live) == {_kid(token)}


def test_token_keys_lists_the_ring_newest_last(live: AuthLive) -> None:
    old_kid = _kid(_cli_token(live))
    new_kid = live.cli("token", "rotate-key").output.split()[-1]
    listed = live.cli("token", "keys")
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [old_kid, f"{new_kid}  (current)"]

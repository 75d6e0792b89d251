"""Issue 9 item 9: an OAuth client can be revoked, without a restart.

`cfhub client revoke` beside a serving hub: the client gets no token (even with the right secret), and the
tokens it already holds are refused on the next request, because client tokens carry their client id and
the hub looks the client up on each request that presents one. Its organization's other clients go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.auth_live import AuthLive, auth_live


@pytest.fixture
def live(demo_db_url: str, tmp_path: Path) -> Iterator[AuthLive]:
    with auth_live(demo_db_url, tmp_path / "keys") as served:
        yield served


def _listed(live: AuthLive) -> dict[str, str]:
    result = live.cli("client", "list")
    assert result.exit_code == 0, result.output
    return {line.split("\t")[0]: line for line in result.output.splitlines()}


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(live: AuthLive) -> None:
    revoked_id, revoked_secret = live.create_client("yrd-platform")
    other_id, other_secret = live.create_client("yrd-platform")
    held = live.request_token(revoked_id, revoked_secret).json()["access_token"]
    assert live.viewer(held).json()["data"]["viewer"]["role"] == "regional_platform"
    assert _listed(live)[revoked_id].endswith("\tactive")
    assert f"\t{live.hub.settings.base_iri}org/yrd-platform\t" in _listed(live)[revoked_id]

    result = live.cli("client", "revoke", revoked_id)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"revoked {revoked_id} ({live.hub.settings.base_iri}org/yrd-platform) at ")

    again = live.request_token(revoked_id, revoked_secret)
    assert (again.status_code, again.json()["error"]) == (401, "invalid_client")
    refused = live.viewer(held)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"] == "token's client has been revoked"
    assert "\trevoked " in _listed(live)[revoked_id]

    other = live.request_token(other_id, other_secret)
    assert other.status_code == 200
    assert live.viewer(other.json()["access_token"]).status_code == 200
    assert _listed(live)[other_id].endswith("\tactive")


def test_revoking_twice_keeps_the_first_time_and_an_unknown_client_is_named(live: AuthLive) -> None:
    client_id, _secret = live.create_client("intl-body")
    first = live.cli("client", "revoke", client_id)
    second = live.cli("client", "revoke", client_id)
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    unknown = live.cli("client", "revoke", "no-such-client")
    assert unknown.exit_code == 1
    assert "no OAuth client 'no-such-client' on this hub" in unknown.output

"""Authentication over HTTP: 401 for bad tokens, the JWKS, the client-credentials token endpoint, the CLI."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import jwt
from click.testing import CliRunner
from sqlalchemy import select

from hub.auth.clients import create_client
from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub
from hub.db.models import Organization
from hub.services.uow import unit_of_work

VIEWER = {"query": "{ viewer { role organizationIri } }"}


def _alice(hub: Hub) -> Principal:
    return Principal(Role.ENTERPRISE, hub.settings.base_iri + "org/zj-battery", "ZJ")


async def _post(client: httpx.AsyncClient, bearer: str) -> httpx.Response:
    return await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {bearer}"})


async def test_a_valid_token_names_the_caller(client: httpx.AsyncClient, app_hub: Hub) -> None:
    response = await _post(client, app_hub.tokens.issue(_alice(app_hub)))
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {
        "role": "enterprise",
        "organizationIri": _alice(app_hub).org_iri,
    }


async def test_no_token_is_the_public_role(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=VIEWER)
    assert response.json()["data"]["viewer"] == {"role": "public", "organizationIri": None}


async def test_bad_tokens_get_401(client: httpx.AsyncClient, app_hub: Hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hub.auth.keys import KeyRing
    from hub.auth.tokens import TokenService

    tokens = app_hub.tokens
    expired = tokens.issue(_alice(app_hub), ttl=timedelta(minutes=1), now=datetime.now(UTC) - timedelta(hours=2))
    good = tokens.issue(_alice(app_hub))
    head, body, sig = good.split(".")
    tampered = f"{head}.{body[:-4]}AAAA.{sig}"
    wrong_audience = TokenService(tokens.keys, tokens.issuer, "https://elsewhere/api").issue(_alice(app_hub))
    wrong_key = TokenService(KeyRing(tmp_path / "other"), tokens.issuer, tokens.audience).issue(_alice(app_hub))
    for bad in (expired, tampered, wrong_audience, wrong_key, "not-a-jwt"):
        response = await _post(client, bad)
        assert response.status_code == 401, bad
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    response = await client.post("/graphql", json=VIEWER, headers={"Authorization": "Basic abc"})
    assert response.status_code == 401


async def test_a_valid_token_for_a_forbidden_action_gets_a_forbidden_error(
    client: httpx.AsyncClient, app_hub: Hub
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { publishFootprint(footprintId: "x") { errors { path } } }'},
        headers={"Authorization": f"Bearer {app_hub.tokens.issue(_alice(app_hub))}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "publishFootprint" in body["errors"][0]["message"]


async def test_jwks_publishes_the_verifying_keys(client: httpx.AsyncClient, app_hub: Hub) -> None:
    token = app_hub.tokens.issue(_alice(app_hub))
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert all("d" not in k for k in keys), "the JWKS must never hold private key material"
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("OKP", "Ed25519", "EdDSA")
    public = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, public, algorithms=["EdDSA"], audience=app_hub.tokens.audience)
    assert claims["sub"] == _alice(app_hub).org_iri


async def _client_for(hub: Hub, key: str) -> tuple[str, str]:
    async with unit_of_work(hub.sessions) as session:
        org = await session.scalar(select(Organization).where(Organization.iri == f"{hub.settings.base_iri}org/{key}"))
        assert org is not None
        return await create_client(session, org)


async def test_client_credentials_grant(client: httpx.AsyncClient, app_hub: Hub) -> None:
    client_id, secret = await _client_for(app_hub, "yrd-platform")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = await client.post(
        "/oauth/token",
        content="grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert response.headers["cache-control"] == "no-store"
    viewer = (await _post(client, body["access_token"])).json()["data"]["viewer"]
    assert viewer["role"] == "regional_platform"


async def test_client_credentials_refusals(client: httpx.AsyncClient, app_hub: Hub) -> None:
    client_id, _secret = await _client_for(app_hub, "intl-body")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    wrong = await client.post(
        "/oauth/token",
        content=f"grant_type=client_credentials&client_id={client_id}&client_secret=wrong",
        headers=form,
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    grant = await client.post("/oauth/token", content="grant_type=password", headers=form)
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    anonymous = await client.post("/oauth/token", content="grant_type=client_credentials", headers=form)
    assert anonymous.status_code == 401


def test_cli_token_issue(demo_db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hub.bootstrap import token_service
    from hub.cli import main
    from hub.config import Settings

    env = {"CFHUB_DATABASE_URL": demo_db_url, "CFHUB_KEY_DIR": str(tmp_path / "keys")}
    result = CliRunner().invoke(main, ["token", "issue", "--org", "zj-battery", "--role", "enterprise"], env=env)
    assert result.exit_code == 0, result.output
    settings = Settings(database_url=demo_db_url, key_dir=tmp_path / "keys")
    p = token_service(settings).verify(result.output.strip())
    assert (p.role, p.org_iri, p.region) == (Role.ENTERPRISE, settings.base_iri + "org/zj-battery", "ZJ")
    refused = CliRunner().invoke(main, ["token", "issue", "--org", "zj-battery", "--role", "regulator"], env=env)
    assert refused.exit_code != 0 and "can only act as role enterprise" in refused.output

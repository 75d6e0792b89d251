"""Settings only through `Settings`: each hub ships the rule sets of its own `CFHUB_RULESETS` folder
(`Settings.rulesets_dir`, kept on the hub as `Hub.rulesets`), so two hubs with different folders in one process
decide, list and check drafts against different rule sets, whatever the other one loaded first."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import httpx
import yaml

from hub.app import create_app
from hub.auth.principal import Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.domain.documents import DocumentKind
from hub.services import documents
from hub.services.origin import Origin
from hub.services.published import effective_registry
from hub.services.uow import unit_of_work
from hub.validation import InvalidInput
from tests import databases, drafts
from tests.api.fixtures import token

TEAM = Origin(actor="https://test.example/org/standards")
FACTS = yaml.safe_load((drafts.TEA / "tests.yaml").read_text(encoding="utf-8"))["facts"]


def _hub(templates: databases.Templates, rulesets: Path, key_dir: Path) -> Hub:
    url = templates.fresh("migrated", databases.migrated)
    env = {"CFHUB_DATABASE_URL": url, "CFHUB_RULESETS": str(rulesets), "CFHUB_KEY_DIR": str(key_dir)}
    return open_hub(Settings.from_env(env))


def _without_tea(tmp_path: Path) -> Path:
    """A copy of the shipped rule sets without the tea product's rule set."""
    folder = tmp_path / "rulesets"
    shutil.copytree(Settings().rulesets_dir, folder)
    shutil.rmtree(folder / drafts.TEA.relative_to(drafts.TEA.parents[1]))
    return folder


async def _chain(hub: Hub) -> list[str]:
    async with hub.sessions() as session:
        registry = await effective_registry(session)
    decision = registry.decide("label_grade", "ZJ", FACTS, date(2026, 6, 1)).to_dict()
    return [link["id"] for link in decision["chain"]]


async def _listed(hub: Hub) -> list[str]:
    """The tea rule set's versions as the hub's `ruleSets` query lists them to its standards team."""
    headers = {"Authorization": f"Bearer {token(hub, Role.STANDARDS_TEAM)}"}
    query = f'{{ ruleSets(rulesetId: "{drafts.TEA_ID}") {{ version file }} }}'
    transport = httpx.ASGITransport(app=create_app(hub=hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        body = (await client.post("/graphql", json={"query": query}, headers=headers)).json()
    assert "errors" not in body, body
    return [f"{r['version']} {r['file']}" for r in body["data"]["ruleSets"]]


async def _draft_refusal(hub: Hub) -> str | None:
    """Why a draft of the shipped tea version is refused, if it is (it clashes with the shipped one)."""
    try:
        async with unit_of_work(hub.sessions) as session:
            content = drafts.tea_ruleset("2025.1", "2026-01-01")
            await documents.create_draft(session, DocumentKind.RULESET, content, drafts.tea_tests(), TEAM, "urn:x:")
    except InvalidInput as refused:
        return str(refused)
    return None


async def test_two_hubs_with_different_rulesets_folders_ship_different_rule_sets(
    templates: databases.Templates, tmp_path: Path
) -> None:
    shipped = _hub(templates, Settings().rulesets_dir, tmp_path / "keys-a")
    other = _hub(templates, _without_tea(tmp_path), tmp_path / "keys-b")
    try:
        assert other.settings.rulesets_dir != shipped.settings.rulesets_dir
        assert (await _chain(shipped))[-1] == drafts.TEA_ID
        assert drafts.TEA_ID not in await _chain(other), "the second hub decided with the first hub's rule sets"
        assert await _listed(shipped) == ["2025.1 rulesets/label_grade/zj-kp-04-tea/ruleset.yaml"]
        assert await _listed(other) == []
        refusal = await _draft_refusal(shipped) or ""
        assert f"rule set '{drafts.TEA_ID}' version 2025.1 is defined twice" in refusal
        # the clash names the shipped file relative to the repository, never by the server's path (item 17)
        assert "(also in rulesets/label_grade/zj-kp-04-tea/ruleset.yaml)" in refusal
        assert str(shipped.settings.rulesets_dir.resolve().parent) not in refusal
        assert await _draft_refusal(other) is None
        assert drafts.TEA_ID not in await _chain(other)  # a draft is not in force
    finally:
        await shipped.close()
        await other.close()

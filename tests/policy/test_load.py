"""The policy file is validated at start-up: a broken policy stops the hub with each problem named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.policy.load import PolicyError, default_path, load_policy


def _write(tmp_path: Path, change: Any) -> Path:
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_shipped_policy_loads() -> None:
    policy = load_policy()
    assert "Footprint" in policy.grants and "submitFootprint" in policy.mutations


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["types"]["Footprint"].pop("verifier"), "types/Footprint: roles ['verifier'] not named"),
        (lambda r: r["types"].pop("InventoryLine"), "no entry for ['InventoryLine']"),
        (
            lambda r: r["types"]["Footprint"]["enterprise"][0].update(fields=["total_kgco2e", "secret_sauce"]),
            "types/Footprint/enterprise/0/fields: Footprint has no field 'secret_sauce'",
        ),
        (
            lambda r: r["types"]["Footprint"]["enterprise"][0].update(rows={"owner": "caller.boss"}),
            "unknown claim 'caller.boss'",
        ),
        (
            lambda r: r["types"]["Footprint"]["enterprise"][0].update(rows={"colour": "red"}),
            "Footprint has no filter attribute 'colour'",
        ),
        (lambda r: r["types"]["Footprint"].update(janitor=[]), "'janitor' is not one of"),
        (lambda r: r["mutations"]["createProduct"].update(kind="Widget"), "no such record kind 'Widget'"),
        (lambda r: r["types"]["Label"]["public"][0].update(fields="all"), "types/Label/public/0/fields"),
    ],
)
def test_a_broken_policy_is_refused_naming_the_problem(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(_write(tmp_path, change))
    assert message in str(info.value)


def test_open_hub_refuses_a_broken_policy(tmp_path: Path) -> None:
    from hub.bootstrap import open_hub
    from hub.config import Settings

    path = _write(tmp_path, lambda r: r["types"].pop("Label"))
    with pytest.raises(PolicyError):
        open_hub(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"), policy=load_policy(path))

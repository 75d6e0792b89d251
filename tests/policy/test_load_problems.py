"""Every problem in a broken policy is named, each at its place in the file, all of them at once: the
loader does not stop at the first, nor skip the kinds and mutations after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.auth.principal import Role
from hub.policy.catalog import KINDS
from hub.policy.load import PolicyError, default_path, load_policy

ROLES = sorted(r.value for r in Role)


def broken(tmp_path: Path, change: Any) -> PolicyError:
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    error = info.value
    assert str(error) == f"Policy {path} is invalid:\n  " + "\n  ".join(error.problems)
    return error


def test_the_roles_must_be_exactly_the_known_ones(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda r: r["roles"].pop("verifier"))
    assert error.problems == [f"roles: must name exactly {ROLES}"]


def test_an_unknown_kind_is_named_and_the_kinds_after_it_are_still_checked(tmp_path: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        types = raw["types"]
        raw["types"] = {"Widget": {r: [] for r in ROLES}, **types}
        raw["types"]["Label"]["public"][0]["fields"] = ["scheme", "colour"]

    error = broken(tmp_path, change)
    assert error.problems == [
        f"types/Widget: no such record kind (known: {sorted(KINDS)})",
        "types/Label/public/0/fields: Label has no field 'colour'",
    ]


def test_filter_problems_are_found_inside_any_ne_lists_and_after_shared(tmp_path: Path) -> None:
    known = sorted(KINDS["Footprint"].attributes)

    def change(raw: dict[str, Any]) -> None:
        raw["types"]["Footprint"]["enterprise"][0]["rows"] = {
            "any": [{"status": "published"}, {"colour": "red"}, {"owner": {"ne": "caller.boss"}}]
        }
        raw["types"]["Footprint"]["regional_platform"][0]["rows"] = {"shared": True, "colour": "blue"}
        raw["types"]["Footprint"]["verifier"][0]["rows"] = {"verifier": ["caller.org", "caller.chief"]}

    error = broken(tmp_path, change)
    assert error.problems == [
        f"types/Footprint/enterprise/0/rows/any/1: Footprint has no filter attribute 'colour' (known: {known})",
        "types/Footprint/enterprise/0/rows/any/2/owner: unknown claim 'caller.boss' "
        "(known: ['caller.org', 'caller.org_iri', 'caller.region'])",
        f"types/Footprint/regional_platform/0/rows: Footprint has no filter attribute 'colour' (known: {known})",
        "types/Footprint/verifier/0/rows/verifier: unknown claim 'caller.chief' "
        "(known: ['caller.org', 'caller.org_iri', 'caller.region'])",
    ]


def test_mutation_problems_are_named_and_the_mutations_after_them_still_checked(tmp_path: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["mutations"]["createProduct"]["kind"] = "Widget"
        raw["mutations"]["publishFootprint"]["roles"]["regulator"]["check"] = {"colour": "red"}

    error = broken(tmp_path, change)
    known = sorted(KINDS["Footprint"].attributes)
    assert error.problems == [
        "mutations/createProduct/kind: no such record kind 'Widget'",
        f"mutations/publishFootprint/roles/regulator: Footprint has no filter attribute 'colour' (known: {known})",
    ]


def test_schema_problems_name_their_path_or_the_top(tmp_path: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw.pop("structural_types")
        raw["types"]["Label"]["public"][0]["aggregate"] = "yes"

    error = broken(tmp_path, change)
    assert "(top): 'structural_types' is a required property" in error.problems
    assert "types/Label/public/0/aggregate: 'yes' is not of type 'boolean'" in error.problems


def test_the_policy_is_read_as_utf8(tmp_path: Path) -> None:
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    raw["roles"]["regulator"] = "省生态环境厅: everything"
    path = tmp_path / "policy.yaml"
    path.write_bytes(yaml.safe_dump(raw, allow_unicode=True).encode("utf-8"))
    assert load_policy(path).roles["regulator"] == "省生态环境厅: everything"


def test_the_loaded_policy_keeps_every_part() -> None:
    policy = load_policy(default_path())
    assert set(policy.roles) == set(ROLES)
    assert "FootprintConnection" in policy.structural_types and "Query" in policy.structural_types
    rule = policy.mutations["issueLabel"]
    assert (rule.name, rule.kind, rule.checks) == ("issueLabel", "Label", {"regulator": {}})
    assert rule.doc == "Issue a filed label with a serial and a validity period."
    assert policy.may_run("issueLabel", "regulator") and not policy.may_run("issueLabel", "enterprise")
    assert policy.readable_fields("InventoryLine", "regional_platform") == frozenset()
    assert policy.readable_fields("Label", "public") == policy.grants["Label"]["public"][0].fields

"""Reads `policy/policy.yaml`, checks it against its JSON Schema and the record catalog, or refuses it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from hub.auth.principal import Role
from hub.policy.catalog import KINDS
from hub.policy.model import Filter, Grant, MinimumGroup, MutationRule, Policy
from hub.resources import data_dir

CLAIMS = frozenset({"caller.org", "caller.org_iri", "caller.region"})


class PolicyError(ValueError):
    """The policy file is invalid: each problem names its place in the file."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"Policy {path} is invalid:\n  " + "\n  ".join(problems))


def default_path() -> Path:
    return data_dir("policy") / "policy.yaml"


@cache
def _schema_validator() -> Draft202012Validator:
    schema = json.loads((data_dir("policy") / "policy.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def load_policy(path: Path | None = None) -> Policy:
    path = path or default_path()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in _schema_validator().iter_errors(raw)
    ]
    if problems:
        raise PolicyError(path, problems)
    problems = _catalog_problems(raw)
    if problems:
        raise PolicyError(path, problems)
    return _build(raw)


@cache
def default_policy() -> Policy:
    return load_policy()


def _catalog_problems(raw: dict[str, Any]) -> list[str]:
    found: list[str] = []
    roles = {r.value for r in Role}
    if set(raw["roles"]) != roles:
        found.append(f"roles: must name exactly {sorted(roles)}")
    if missing := set(KINDS) - set(raw["types"]):
        found.append(f"types: no entry for {sorted(missing)}: every record kind must be covered")
    for kind_name, by_role in raw["types"].items():
        kind = KINDS.get(kind_name)
        if kind is None:
            found.append(f"types/{kind_name}: no such record kind (known: {sorted(KINDS)})")
            continue
        if missing_roles := roles - set(by_role):
            found.append(f"types/{kind_name}: roles {sorted(missing_roles)} not named (write [] to deny)")
        for role, grants in by_role.items():
            for i, grant in enumerate(grants):
                where = f"types/{kind_name}/{role}/{i}"
                if grant["fields"] != "*":
                    for name in set(grant["fields"]) - set(kind.fields):
                        found.append(f"{where}/fields: {kind_name} has no field '{name}'")
                found.extend(_filter_problems(grant["rows"], kind_name, where + "/rows"))
    for name, rule in raw["mutations"].items():
        if rule["kind"] not in KINDS:
            found.append(f"mutations/{name}/kind: no such record kind '{rule['kind']}'")
            continue
        for role, check in rule["roles"].items():
            found.extend(_filter_problems(check["check"], rule["kind"], f"mutations/{name}/roles/{role}"))
    return found


def _filter_problems(rows: Filter, kind_name: str, where: str) -> list[str]:
    kind = KINDS[kind_name]
    found: list[str] = []
    for key, value in rows.items():
        if key == "any":
            for i, sub in enumerate(value):
                found.extend(_filter_problems(sub, kind_name, f"{where}/any/{i}"))
        elif key == "shared":
            continue
        elif key not in kind.attributes:
            found.append(f"{where}: {kind_name} has no filter attribute '{key}' (known: {sorted(kind.attributes)})")
        else:
            for v in _values(value):
                if isinstance(v, str) and v.startswith("caller.") and v not in CLAIMS:
                    found.append(f"{where}/{key}: unknown claim '{v}' (known: {sorted(CLAIMS)})")
    return found


def _values(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def _build(raw: dict[str, Any]) -> Policy:
    grants: dict[str, dict[str, tuple[Grant, ...]]] = {}
    for kind_name, by_role in raw["types"].items():
        all_fields = frozenset(KINDS[kind_name].fields)
        grants[kind_name] = {
            role: tuple(
                Grant(
                    rows=g["rows"],
                    fields=all_fields if g["fields"] == "*" else frozenset(g["fields"]),
                    aggregate=bool(g.get("aggregate", False)),
                )
                for g in role_grants
            )
            for role, role_grants in by_role.items()
        }
    mutations = {
        name: MutationRule(
            name=name,
            doc=rule["doc"],
            kind=rule["kind"],
            checks={role: r["check"] for role, r in rule["roles"].items()},
        )
        for name, rule in raw["mutations"].items()
    }
    group = raw.get("minimum_group")
    return Policy(
        roles=dict(raw["roles"]),
        structural_types=frozenset(raw["structural_types"]),
        grants=grants,
        mutations=mutations,
        federated_queries={
            name: frozenset(rule["roles"]) for name, rule in (raw.get("federated_queries") or {}).items()
        },
        # absent: the defaults (5 footprints of 3 enterprises, nobody exempt), never "no minimum"
        minimum_group=MinimumGroup()
        if group is None
        else MinimumGroup(group["footprints"], group["enterprises"], frozenset(group.get("exempt_roles", []))),
    )

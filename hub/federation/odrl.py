"""The usage policy that travels with a bundle: one ODRL 2.2 `Agreement` per record kind, between the sending
hub (assigner) and the receiving hub (assignee), the way Catena-X attaches usage policies to its data offers.

Three terms are stated and enforced by the receiver (hub/policy/usage.py): who may read the records there
(`use`, constrained to `recipient` roles), whether they may be passed on to a third hub (`distribute`:
permitted, or prohibited), and until when they may be kept (a `delete` duty by a date). A policy that says
anything else, or says it in another shape, is refused: a receiver cannot enforce what it cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"
ODRL_PROFILE = "https://w3id.org/cfhub/odrl-profile"


class PolicyError(ValueError):
    """An ODRL policy the receiving hub cannot enforce; the message names the part and why."""


@dataclass(frozen=True)
class UsageTerms:
    read_by: tuple[str, ...]
    onward_transfer: bool
    retain_until: date | None


def terms_for(read_by: tuple[str, ...], onward_transfer: bool, retention_days: int | None, today: date) -> UsageTerms:
    until = today + timedelta(days=retention_days) if retention_days else None
    return UsageTerms(tuple(read_by), onward_transfer, until)


def policy(uid: str, assigner: str, assignee: str, kind: str, terms: UsageTerms) -> dict[str, Any]:
    """The ODRL Agreement stating `terms` for the records of `kind` in a bundle."""
    use = {
        "action": "use",
        "constraint": [{"leftOperand": "recipient", "operator": "isAnyOf", "rightOperand": list(terms.read_by)}],
    }
    distribute = {"action": "distribute"}
    out: dict[str, Any] = {
        "@context": ODRL_CONTEXT,
        "@type": "Agreement",
        "uid": uid,
        "profile": ODRL_PROFILE,
        "assigner": assigner,
        "assignee": assignee,
        "target": {"@type": "AssetCollection", "uid": f"{uid}:records", "cf:recordKind": kind},
        "permission": [use, distribute] if terms.onward_transfer else [use],
    }
    if not terms.onward_transfer:
        out["prohibition"] = [distribute]
    if terms.retain_until is not None:
        deadline = {"leftOperand": "dateTime", "operator": "lteq", "rightOperand": terms.retain_until.isoformat()}
        out["obligation"] = [{"action": "delete", "constraint": [deadline]}]
    return out


def kind_of(policy_doc: Mapping[str, Any]) -> str:
    target = policy_doc.get("target")
    kind = target.get("cf:recordKind") if isinstance(target, Mapping) else None
    if not isinstance(kind, str):
        raise PolicyError("target must be an AssetCollection naming its cf:recordKind")
    return kind


def terms_of(policy_doc: Any, assigner: str, assignee: str) -> UsageTerms:
    """The terms an ODRL policy of a received bundle states; PolicyError naming what is wrong otherwise."""
    if not isinstance(policy_doc, Mapping) or policy_doc.get("@type") != "Agreement":
        raise PolicyError("must be an ODRL Agreement")
    if policy_doc.get("profile") != ODRL_PROFILE:
        raise PolicyError(f"profile must be {ODRL_PROFILE} (the terms this hub can enforce)")
    if policy_doc.get("assignee") != assignee:
        raise PolicyError(f"assignee is {policy_doc.get('assignee')!r}, not this hub ({assignee})")
    if policy_doc.get("assigner") != assigner:
        raise PolicyError(f"assigner is {policy_doc.get('assigner')!r}, not the bundle's sender ({assigner})")
    permissions = _actions(policy_doc, "permission")
    prohibitions = _actions(policy_doc, "prohibition")
    obligations = _actions(policy_doc, "obligation")
    if set(permissions) - {"use", "distribute"} or set(prohibitions) - {"distribute"} or set(obligations) - {"delete"}:
        raise PolicyError("states a rule this hub cannot enforce (only use, distribute and a delete duty are known)")
    if "use" not in permissions:
        raise PolicyError("permits no use: nobody could read the records")
    if ("distribute" in permissions) == ("distribute" in prohibitions):
        raise PolicyError("must either permit or prohibit distribute (onward transfer), not both or neither")
    read_by = _constraint(permissions["use"], "recipient", "isAnyOf")
    if not isinstance(read_by, list) or not read_by or not all(isinstance(r, str) for r in read_by):
        raise PolicyError("the use permission must name its recipient roles (a non-empty list)")
    until = None
    if "delete" in obligations:
        deadline = _constraint(obligations["delete"], "dateTime", "lteq")
        try:
            until = date.fromisoformat(str(deadline))
        except ValueError:
            raise PolicyError(f"the delete duty's dateTime is not a date: {deadline!r}") from None
    return UsageTerms(tuple(read_by), "distribute" in permissions, until)


def _actions(policy_doc: Mapping[str, Any], rule: str) -> dict[str, Mapping[str, Any]]:
    rules = policy_doc.get(rule, [])
    if not isinstance(rules, list) or not all(
        isinstance(r, Mapping) and isinstance(r.get("action"), str) for r in rules
    ):
        raise PolicyError(f"{rule} must be a list of rules, each with an action")
    return {r["action"]: r for r in rules}


def _constraint(rule: Mapping[str, Any], left: str, operator: str) -> Any:
    for c in rule.get("constraint", []) if isinstance(rule.get("constraint"), list) else []:
        if isinstance(c, Mapping) and c.get("leftOperand") == left and c.get("operator") == operator:
            return c.get("rightOperand")
    raise PolicyError(f"the {rule.get('action')} rule needs a {left} {operator} constraint")

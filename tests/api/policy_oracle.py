"""An independent reading of the policy, for tests: evaluates grants in Python over a record's attributes
(read with plain SQL), so the permission matrix checks the SQL enforcement against a second implementation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, text

from hub.auth.principal import Principal
from hub.policy.model import Filter, Policy


@dataclass(frozen=True)
class Caller:
    principal: Principal
    org_id: int | None

    def claim(self, value: Any) -> Any:
        if value == "caller.org":
            return self.org_id
        if value == "caller.org_iri":
            return self.principal.org_iri
        if value == "caller.region":
            return self.principal.region
        return value


@dataclass(frozen=True)
class OracleAgreement:
    region: str
    kinds: frozenset[str]
    statuses: frozenset[str]
    fields: dict[str, frozenset[str]]


def agreements(engine: Engine, today: date) -> list[OracleAgreement]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT region, record_kinds, statuses, fields, valid_from, valid_until FROM sharing_agreement")
        ).all()
    out = []
    for region, kinds, statuses, fields, start, end in rows:
        start = date.fromisoformat(str(start))
        end = date.fromisoformat(str(end)) if end else None
        if start <= today and (end is None or today <= end):
            out.append(
                OracleAgreement(
                    region,
                    frozenset(_json(kinds)),
                    frozenset(_json(statuses)),
                    {k: frozenset(v) for k, v in _json(fields).items()},
                )
            )
    return out


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def _matches(rows: Filter, attrs: dict[str, Any], caller: Caller) -> bool:
    for key, value in rows.items():
        if key == "shared":
            continue
        if key == "any":
            if not any(_matches(sub, attrs, caller) for sub in value):
                return False
            continue
        actual = attrs[key]
        if isinstance(value, dict):
            claim = caller.claim(value["ne"])
            if claim is None or actual == claim:
                return False
        elif isinstance(value, list):
            if actual not in [caller.claim(v) for v in value]:
                return False
        elif value is True or value is False:
            if bool(actual) is not value:
                return False
        else:
            claim = caller.claim(value)
            if claim is None or actual != claim:
                return False
    return True


def expected_fields(
    policy: Policy,
    kind: str,
    attrs: dict[str, Any],
    caller: Caller,
    shared: list[OracleAgreement],
) -> frozenset[str] | None:
    """The fields `caller` may read on a record with `attrs`; None if it may not read the record at all.

    `attrs["_statuses"]` is the set of footprint statuses an agreement's `statuses` are tested against.
    """
    out: frozenset[str] | None = None
    for grant in policy.grants_for(kind, caller.principal.role.value):
        if grant.shared:
            for ag in shared:
                if ag.region != caller.principal.region or kind not in ag.kinds:
                    continue
                if not ag.statuses or not ag.fields or not ag.fields.get(kind, grant.fields) & grant.fields:
                    continue  # an agreement that lists nothing grants nothing
                if ag.statuses and "_statuses" in attrs and not (attrs["_statuses"] & ag.statuses):
                    continue
                if _matches(grant.rows, attrs, caller):
                    out = (out or frozenset()) | (grant.fields & ag.fields.get(kind, grant.fields))
        elif _matches(grant.rows, attrs, caller):
            out = (out or frozenset()) | grant.fields
    return out

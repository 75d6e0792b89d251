"""The policy applied to one caller: SQL row filters, readable fields and mutation checks.

This is the one enforcement point: hub/queries asks an `Access` for the WHERE clause and the fields of
every SELECT it runs, so GraphQL, REST and exports see the same rows and fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, ColumnElement, SQLColumnExpression, and_, false, or_, select, true, type_coerce

from hub.auth.principal import Principal
from hub.db.models import Organization
from hub.policy.catalog import KINDS, Attribute, Via
from hub.policy.model import Filter, Grant, Policy


@dataclass(frozen=True)
class Agreement:
    """An active sharing agreement, as far as the policy needs it."""

    iri: str
    kinds: frozenset[str]
    statuses: tuple[str, ...]
    fields: dict[str, frozenset[str]]  # kind -> fields: see `agreement_fields`


@dataclass(frozen=True)
class CompiledGrant:
    where: ColumnElement[bool]
    fields: frozenset[str]
    aggregate: bool


def agreement_fields(agreement: Agreement, kind: str, policy_fields: frozenset[str]) -> frozenset[str]:
    """The fields of `kind` an agreement opens, within the policy's: none unless it says so.

    Fail closed: an agreement that lists no kinds, no statuses or no fields grants nothing; a kind it
    names with an empty field list grants nothing of that kind; a kind it covers but leaves out of a
    non-empty field map keeps the policy's fields for the role (see hub/demo/data/sharing-agreements.yaml).
    """
    if kind not in agreement.kinds or not agreement.statuses or not agreement.fields:
        return frozenset()
    return policy_fields & agreement.fields.get(kind, policy_fields)


class Forbidden(PermissionError):
    """The caller may not do this; the message names the action and the role."""

    code = "FORBIDDEN"


class Access:
    def __init__(self, policy: Policy, principal: Principal, agreements: list[Agreement] | None = None):
        self.policy = policy
        self.principal = principal
        self.role = principal.role.value
        self.agreements = agreements or []
        self._grants: dict[str, list[CompiledGrant]] = {}

    # -- reads -------------------------------------------------------------------------------------
    def grants(self, kind: str) -> list[CompiledGrant]:
        if kind not in self._grants:
            self._grants[kind] = [c for g in self.policy.grants_for(kind, self.role) for c in self._compile(kind, g)]
        return self._grants[kind]

    def where(self, kind: str) -> ColumnElement[bool]:
        grants = self.grants(kind)
        if not grants:
            return false()
        return grants[0].where if len(grants) == 1 else or_(*(g.where for g in grants))

    def may_aggregate(self, kind: str) -> bool:
        grants = self.grants(kind)
        return bool(grants) and all(g.aggregate for g in grants)

    def readable_fields(self, kind: str) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for g in self.grants(kind):
            out |= g.fields
        return out

    # -- writes ------------------------------------------------------------------------------------
    def mutation_check(self, mutation: str) -> ColumnElement[bool]:
        """The filter the mutation's target must match; raises Forbidden if the role may not run it."""
        rule = self.policy.mutations[mutation]
        if self.role not in rule.checks:
            raise Forbidden(f"role {self.role} may not run mutation {mutation}")
        return self._filter(rule.kind, rule.checks[self.role])

    # -- compiling ---------------------------------------------------------------------------------
    def _compile(self, kind: str, grant: Grant) -> list[CompiledGrant]:
        if not grant.shared:
            return [CompiledGrant(self._filter(kind, grant.rows), grant.fields, grant.aggregate)]
        rest = {k: v for k, v in grant.rows.items() if k != "shared"}
        status_filter = KINDS[kind].status_filter
        out = []
        for agreement in self.agreements:
            fields = agreement_fields(agreement, kind, grant.fields)
            if not fields:
                continue
            where = self._filter(kind, rest)
            if status_filter is not None:
                where = and_(where, status_filter(list(agreement.statuses)))
            out.append(CompiledGrant(where, fields, grant.aggregate))
        return out

    def _filter(self, kind: str, rows: Filter) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = []
        for key, value in rows.items():
            if key == "any":
                parts.append(or_(*(self._filter(kind, sub) for sub in value)))
            elif key == "shared":
                parts.append(false())  # `shared` outside a grant (e.g. in a mutation check) grants nothing
            else:
                parts.append(self._attribute_test(KINDS[kind].attributes[key], value))
        if not parts:
            return true()
        return parts[0] if len(parts) == 1 else and_(*parts)

    def _attribute_test(self, attribute: Attribute, value: Any) -> ColumnElement[bool]:
        if isinstance(attribute, Via):
            return attribute.key().in_(attribute.keys(lambda far: self._test(far, value)))
        return self._test(attribute(), value)

    def _test(self, expr: SQLColumnExpression[Any], value: Any) -> ColumnElement[bool]:
        if isinstance(value, dict):
            claim = self._claim(value["ne"])
            return false() if claim is _NO_CLAIM else expr != claim
        if isinstance(value, list):  # a claim the caller lacks matches nothing
            return expr.in_([c for c in (self._claim(v) for v in value) if c is not _NO_CLAIM])
        if value is True:
            return type_coerce(expr, Boolean)  # a boolean attribute, as itself (the SQL is unchanged)
        if value is False:
            return ~expr
        claim = self._claim(value)
        return false() if claim is _NO_CLAIM else expr == claim

    def _claim(self, value: Any) -> Any:
        if not (isinstance(value, str) and value.startswith("caller.")):
            return value
        p = self.principal
        if value == "caller.org":
            if p.org_iri is None:
                return _NO_CLAIM
            return select(Organization.id).where(Organization.iri == p.org_iri).scalar_subquery()
        if value == "caller.org_iri":
            return p.org_iri if p.org_iri is not None else _NO_CLAIM
        if value == "caller.region":
            return p.region if p.region is not None else _NO_CLAIM
        raise KeyError(value)  # the loader refuses unknown claims; this is unreachable


_NO_CLAIM = object()


def active(valid_from: date, valid_until: date | None, today: date) -> bool:
    return valid_from <= today and (valid_until is None or today <= valid_until)

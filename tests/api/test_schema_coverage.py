"""Walks the GraphQL schema and fails on any type, field or mutation the policy does not cover (and on
any policy entry the schema does not have)."""

from __future__ import annotations

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType, get_named_type
from strawberry.utils.str_converters import to_camel_case

from hub.api.graphql_schema import build_schema
from hub.policy.catalog import KINDS
from hub.policy.load import default_policy

schema = build_schema()
IMPLICIT = {"id"}  # a record's identity: readable wherever the record is


def _object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def test_every_object_type_is_a_policy_kind_or_structural() -> None:
    policy = default_policy()
    uncovered = [name for name in _object_types() if name not in policy.grants and name not in policy.structural_types]
    assert uncovered == [], f"types the policy does not cover: {uncovered}"


def test_every_field_of_a_record_type_is_a_policy_field() -> None:
    policy = default_policy()
    problems = []
    for name, t in _object_types().items():
        if name not in policy.grants:
            continue
        fields = {to_camel_case(f) for f in KINDS[name].fields} | IMPLICIT
        problems += [f"{name}.{f}" for f in t.fields if f not in fields]
        problems += [f"{name}.{f} (policy only)" for f in fields - IMPLICIT if f not in t.fields]
    assert problems == [], f"fields the policy does not cover: {problems}"


def test_structural_types_hold_no_record_fields_of_their_own() -> None:
    """A structural type's fields lead to record kinds or plain values, never around the policy."""
    policy = default_policy()
    types = _object_types()
    for name in policy.structural_types:
        assert name in types, f"policy names structural type {name} that the schema does not have"
        for field_name, f in types[name].fields.items():
            target = get_named_type(f.type)
            if isinstance(target, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                covered = target.name in policy.grants or target.name in policy.structural_types
                covered = covered or target.name in {"Node"}
                if isinstance(target, GraphQLUnionType):  # federation's _Entity: a union of record kinds
                    covered = covered or all(t.name in policy.grants for t in target.types)
                assert covered, f"{name}.{field_name} leads to {target.name}, which the policy does not cover"


def test_every_mutation_is_in_the_policy_and_back() -> None:
    policy = default_policy()
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields) == set(policy.mutations)


def test_every_policy_role_is_an_org_kind_or_public() -> None:
    from hub.domain.codes import OrgKind

    assert set(default_policy().roles) == {k.value for k in OrgKind} | {"public"}


def test_public_may_read_the_whole_category_list() -> None:
    grants = default_policy().grants_for("ProductCategory", "public")
    assert grants and grants[0].rows == {} and "code" in grants[0].fields

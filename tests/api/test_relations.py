"""Relation fields are declared once, in the catalog (hub/policy/catalog.py): every relation field of the
schema is a catalog relation with the same target and arity, and every catalog relation of a kind the
schema shows is a relation field (hub/api/relations.py; a `newest()` field shows the newest record of a
to-many relation). Each difference is named."""

from __future__ import annotations

from graphql import GraphQLList, GraphQLNonNull, get_named_type
from strawberry.types.base import get_object_definition

from hub.api.graphql_schema import build_schema
from hub.api.relations import is_relation, picks_newest
from hub.api.views import RECORD_TYPES
from hub.policy.catalog import KINDS


def _schema_relations() -> dict[tuple[str, str], tuple[str, bool]]:
    """(type, field) -> (target type, to many?) for every field declared with `relation()`."""
    built = build_schema()
    out = {}
    for type_name, cls in RECORD_TYPES.items():
        gql_type = built._schema.type_map[type_name]
        for field in get_object_definition(cls, strict=True).fields:
            if is_relation(field):
                gql_field = gql_type.fields[built.config.name_converter.get_graphql_name(field)]
                inner = gql_field.type.of_type if isinstance(gql_field.type, GraphQLNonNull) else gql_field.type
                # a `newest()` field shows one record of a to-many relation: compared as the relation it reads
                many = isinstance(inner, GraphQLList) or picks_newest(field)
                out[type_name, field.python_name] = (get_named_type(inner).name, many)
    return out


def test_schema_relations_and_catalog_relations_are_the_same() -> None:
    schema = _schema_relations()
    catalog = {
        (kind.name, name): (relation.target, relation.many)
        for kind in KINDS.values()
        if kind.name in RECORD_TYPES
        for name, relation in kind.relations.items()
    }
    only_schema = sorted(f"{t}.{f}" for t, f in schema.keys() - catalog.keys())
    only_catalog = sorted(f"{t}.{f}" for t, f in catalog.keys() - schema.keys())
    assert not only_schema, f"relation fields the catalog does not declare: {only_schema}"
    assert not only_catalog, f"catalog relations the schema does not show as relation fields: {only_catalog}"
    differ = {k: (schema[k], catalog[k]) for k in schema if schema[k] != catalog[k]}
    assert not differ, f"(schema target, to many) differs from the catalog's: {differ}"


def test_every_catalog_kind_with_relations_has_a_graphql_type() -> None:
    missing = sorted(k.name for k in KINDS.values() if k.relations and k.name not in RECORD_TYPES)
    assert not missing, f"catalog kinds with relations but no GraphQL record type: {missing}"

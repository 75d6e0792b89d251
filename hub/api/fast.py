"""The hot path of field resolution, installed on the built schema.

strawberry wraps every resolver (an `Info` object, argument conversion, extension chain): about 15 us for a
plain attribute and 70 us for a relation. A page of 100 footprints resolves a thousand fields, so the
record types' plain fields and relations are given graphql-core resolvers directly: an attribute read
(absent = FieldForbidden, as in `views.resolve_field`) and a DataLoader future (the loaders hand back
typed objects). Behaviour is the same as the strawberry resolvers in hub/api/types.py, which stay the
schema's declaration and the fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema

from hub.api.errors import FieldForbidden

# (GraphQL type, record field) -> (loader on Context.loaders, to many?)
RELATIONS: dict[tuple[str, str], tuple[str, bool]] = {
    ("ProductCategory", "parent"): ("categories", False),
    ("Product", "owner"): ("organizations", False),
    ("Product", "category"): ("categories", False),
    ("Product", "footprints"): ("footprints_by_product", True),
    ("Footprint", "product"): ("products", False),
    ("Footprint", "verifier"): ("organizations", False),
    ("Footprint", "supersedes"): ("footprints", False),
    ("Footprint", "stages"): ("stages_by_footprint", True),
    ("Footprint", "inventory"): ("inventory_by_footprint", True),
    ("Footprint", "labels"): ("labels_by_footprint", True),
    ("Footprint", "decisions"): ("decisions_by_footprint", True),
    ("Decision", "footprint"): ("footprints", False),
    ("FootprintStage", "footprint"): ("footprints", False),
    ("InventoryLine", "footprint"): ("footprints", False),
    ("InventoryLine", "emission_factor"): ("emission_factors", False),
    ("InventoryLine", "supplier_footprint"): ("footprints", False),
    ("Label", "footprint"): ("footprints", False),
    ("Label", "certifier"): ("organizations", False),
    ("LabelEvent", "label"): ("labels", False),
    ("SharingAgreement", "granted_by"): ("organizations", False),
    ("CategoryBenchmark", "category"): ("categories", False),
    ("FactorChange", "footprint"): ("footprints", False),
    ("EmissionFactor", "supersedes"): ("emission_factors", False),
}

Resolver = Callable[..., Any]


def _attribute(type_name: str, name: str) -> Resolver:
    def resolve(source: Any, _info: GraphQLResolveInfo) -> Any:
        try:
            return source.__dict__[name]
        except KeyError:
            raise FieldForbidden(type_name, name) from None

    return resolve


def _relation(type_name: str, name: str, loader: str, many: bool) -> Resolver:
    prefetched = f"_rel_{name}"  # hub/api/prefetch.py keeps a loaded relation here

    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        d = source.__dict__
        try:
            key = d[name]
        except KeyError:
            raise FieldForbidden(type_name, name) from None
        if key is None:
            return None
        if prefetched in d:
            return d[prefetched]
        return getattr(info.context.loaders, loader).load(key)

    return resolve


def install(schema: GraphQLSchema, record_types: set[str]) -> list[str]:
    """Replace the resolvers of plain fields and known relations; returns what was replaced."""
    replaced = []
    for type_name, gql_type in schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in gql_type.fields.items():
            definition = field.extensions.get("strawberry-definition")
            if definition is None:
                continue
            python_name = definition.python_name
            if (type_name, python_name) in RELATIONS:
                loader, many = RELATIONS[type_name, python_name]
                field.resolve = _relation(type_name, python_name, loader, many)
            elif getattr(field.resolve, "_is_default", False) and definition.base_resolver is None:
                if type_name not in record_types and field.args:
                    continue
                field.resolve = _attribute(type_name, python_name)
                leaf = field.type
                if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):  # nullable leaves only
                    field.resolve.leaf = (python_name, leaf.serialize)
            else:
                continue
            replaced.append(f"{type_name}.{field_name}")
    return replaced

"""Null-bubbling in the builder: a refused non-null field nulls its object, and the null stops at the nearest
nullable field. No type the planner serves today has a non-null field the policy can refuse, so this checks
the builder alone against the rule graphql-core applies."""

from __future__ import annotations

from graphql import FieldNode, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType, GraphQLString, NameNode

from hub.api.planner import build
from hub.api.planner.compile import LEAF, ONE, Occurrence
from hub.api.planner.shape import Field

ORG = GraphQLObjectType("Organization", {"nameEn": GraphQLString})


def _field(key: str, type_: GraphQLOutputType) -> Field:
    return Field(key, key, [FieldNode(name=NameNode(value=key))], type_, serialize=GraphQLString.serialize)


def test_a_refused_non_null_field_nulls_its_object_up_to_the_nearest_nullable_field() -> None:
    strict, plain = _field("nameEn", GraphQLNonNull(GraphQLString)), _field("nameZh", GraphQLString)
    owner = Occurrence("Organization", [strict, plain], {"nameEn": "name_en", "nameZh": "name_zh"}, id_pos=1)
    owner.readable = frozenset({"name_zh"})
    owner.steps = [
        (LEAF, "nameEn", "name_en", 2, strict.serialize, strict),
        (LEAF, "nameZh", "name_zh", 3, None, plain),
    ]
    nullable_link = _field("owner", ORG)
    product = Occurrence("Product", [nullable_link], {"owner": "owner"}, id_pos=0, readable=frozenset({"owner"}))
    product.steps = [(ONE, "owner", "owner", 0, owner, nullable_link)]
    results = build.Results()

    out = build.record(product, (1, 2, "hidden", "名"), (None, "product"), results)

    assert out == {"owner": None}  # the owner object is null, the product stands
    assert [e.path for e in results.errors] == [["product", "owner", "nameEn"]]
    assert results.errors[0].message == "Not authorized to read Organization.nameEn"

    strict_link = _field("owner", GraphQLNonNull(ORG))
    product.steps = [(ONE, "owner", "owner", 0, owner, strict_link)]
    assert build.record(product, (1, 2, "hidden", "名"), (None, "product"), build.Results()) is build.NULLED

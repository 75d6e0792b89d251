"""Apollo Federation's `_entities`: records by their key (`__typename`, `id`), behind the caller's policy.

A gateway sends the representations of records another subgraph returned; each is read exactly as
`node(id:)` reads it (hub/queries/records.py, the caller's row filter and readable fields), so a record
the caller may not read, one that does not exist and one of another type all answer null: no answer tells
a hidden record from a missing one, and a field the record does not hold stays FORBIDDEN on that field.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry.federation.schema import FederationAny
from strawberry.types import Info

from hub.api.context import Context
from hub.api.pagination import MAX_PAGE
from hub.api.types import (
    Dataset,
    Decision,
    DocumentVersion,
    EmissionFactor,
    Footprint,
    InventoryLine,
    Label,
    LabelEvent,
    Organization,
    Product,
    ProductCategory,
    QualityResult,
    SharingAgreement,
)
from hub.api.views import record_view
from hub.queries.records import by_keys
from hub.validation import FieldError, InvalidInput

# The record types with `@key(fields: "id")` (tests/federation/test_apollo_subgraph.py: every Node type is one).
Entity = Annotated[
    ProductCategory
    | Organization
    | Product
    | EmissionFactor
    | Footprint
    | InventoryLine
    | Label
    | LabelEvent
    | Dataset
    | SharingAgreement
    | Decision
    | DocumentVersion
    | QualityResult,
    strawberry.union("_Entity"),
]
ENTITY_NAMES = frozenset(
    t.__name__
    for t in (
        ProductCategory,
        Organization,
        Product,
        EmissionFactor,
        Footprint,
        InventoryLine,
        Label,
        LabelEvent,
        Dataset,
        SharingAgreement,
        Decision,
        DocumentVersion,
        QualityResult,
    )
)


def _checked(representations: list[Any], entities: frozenset[str]) -> list[tuple[str, str] | InvalidInput]:
    """Each representation as (type, IRI), or the error that names its index and what is wrong with it."""
    if len(representations) > MAX_PAGE:
        raise InvalidInput([FieldError("$.representations", f"holds more than {MAX_PAGE} records")])
    return [_one(rep, f"$.representations[{i}]", entities) for i, rep in enumerate(representations)]


def _one(rep: Any, where: str, entities: frozenset[str]) -> tuple[str, str] | InvalidInput:
    if not isinstance(rep, dict):
        return InvalidInput([FieldError(where, "must be an object with __typename and id")])
    type_name, iri = rep.get("__typename"), rep.get("id")
    if type_name not in entities:
        return InvalidInput([FieldError(f"{where}.__typename", "is not an entity type of this hub")])
    if not isinstance(iri, str) or not iri:
        return InvalidInput([FieldError(f"{where}.id", "must be a record's IRI (a string)")])
    return type_name, iri


async def resolve_entities(info: GraphQLResolveInfo, representations: list[Any]) -> list[Any]:
    """The records, in the order asked, each read under the caller's policy; one SELECT per type asked for."""
    checked = _checked(representations, ENTITY_NAMES)
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in checked:
        if isinstance(item, tuple):
            wanted[item[0]].append(item[1])
    found: dict[tuple[str, str], Any] = {}
    for type_name, iris in wanted.items():
        records = await by_keys(info.context.reader, type_name, "iri", iris)
        found.update(((type_name, r["id"]), record_view(r)) for r in records)
    return [item if isinstance(item, InvalidInput) else found.get(item) for item in checked]


@strawberry.type
class EntitiesQuery:
    """Federation's entity field, declared here so that strawberry's federation schema keeps it instead of
    adding its own (which reads no policy)."""

    @strawberry.field(name="_entities", description="Records by their federation key, if the caller may read them.")
    async def entities(self, info: Info[Context, None], representations: list[FederationAny]) -> list[Entity | None]:
        return await resolve_entities(info._raw_info, list(representations))

"""A small second subgraph for the federation tests: it extends the hub's `Footprint` entity with a field of
its own and returns footprint references the gateway completes from the hub (through the hub's `_entities`)."""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Mount
from strawberry.asgi import GraphQL


@strawberry.federation.type(keys=["id"], description="A footprint of the hub, seen by the reviews service.")
class Footprint:
    id: strawberry.ID

    @strawberry.field(description="The reviews service's note on the footprint.")
    def review_note(self) -> str:
        return f"reviewed {self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Footprint:
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="Footprints the reviews service points at, by IRI.")
    def spotlight(self, ids: list[strawberry.ID]) -> list[Footprint]:
        return [Footprint(id=i) for i in ids]


def app() -> Starlette:
    """The subgraph at /graphql (Starlette answers the server's lifespan events)."""
    schema = strawberry.federation.Schema(query=Query, federation_version="2.3")
    return Starlette(routes=[Mount("/graphql", app=GraphQL(schema))])


def sdl() -> str:
    return str(strawberry.federation.Schema(query=Query, federation_version="2.3"))

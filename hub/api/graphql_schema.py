"""The GraphQL schema (strawberry). Resolvers decode input, call a query or service, map the result."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info

from hub.db.models import Product as ProductRow
from hub.db.models import ProductCategory as CategoryRow


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]


@strawberry.type
class ProductCategory:
    iri: str
    code: str
    level: str
    name_zh: str
    name_en: str
    stat_code: str | None
    parent_code: str | None


@strawberry.type
class Product:
    iri: str
    name: str
    model: str | None
    gtin: str | None
    category_code: str


@strawberry.type
class Query:
    @strawberry.field(description="The plan's 19 industries and 52 key products.")
    async def product_categories(self, info: Info[Context, None], level: str | None = None) -> list[ProductCategory]:
        parent = CategoryRow.__table__.alias("parent")
        stmt = (
            select(CategoryRow, parent.c.code)
            .outerjoin(parent, parent.c.id == CategoryRow.parent_id)
            .order_by(CategoryRow.level, CategoryRow.seq)
        )
        if level:
            stmt = stmt.where(CategoryRow.level == level)
        async with info.context.sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [
            ProductCategory(
                iri=c.iri,
                code=c.code,
                level=c.level,
                name_zh=c.name_zh,
                name_en=c.name_en,
                stat_code=c.stat_code,
                parent_code=parent_code,
            )
            for c, parent_code in rows
        ]

    @strawberry.field(description="Products on this hub.")
    async def products(self, info: Info[Context, None]) -> list[Product]:
        stmt = select(ProductRow, CategoryRow.code).join(CategoryRow).order_by(ProductRow.id)
        async with info.context.sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [Product(iri=p.iri, name=p.name, model=p.model, gtin=p.gtin, category_code=code) for p, code in rows]


schema = strawberry.Schema(query=Query)

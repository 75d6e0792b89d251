"""DataLoaders, one per file, gathered in a typed `Loaders`: every relation is reached through one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from hub.api.loaders import (
    categories,
    decisions_by_footprint,
    emission_factors,
    footprints,
    footprints_by_product,
    inventory_by_footprint,
    labels,
    labels_by_footprint,
    mapped_footprints,
    organizations,
    products,
    quality_by_footprint,
    stages_by_footprint,
)
from hub.queries.mapped import MappedKey
from hub.queries.reader import Reader


@dataclass(frozen=True)
class Loaders:
    organizations: DataLoader[int, Any]
    products: DataLoader[int, Any]
    categories: DataLoader[int, Any]
    footprints: DataLoader[int, Any]
    emission_factors: DataLoader[int, Any]
    footprints_by_product: DataLoader[int, list[Any]]
    stages_by_footprint: DataLoader[int, list[Any]]
    inventory_by_footprint: DataLoader[int, list[Any]]
    labels_by_footprint: DataLoader[int, list[Any]]
    labels: DataLoader[int, Any]
    decisions_by_footprint: DataLoader[int, list[Any]]
    mapped_footprints: DataLoader[MappedKey, Any]
    quality_by_footprint: DataLoader[int, list[Any]]

    @classmethod
    def create(cls, reader: Reader) -> Loaders:
        return cls(
            organizations=organizations.make(reader),
            products=products.make(reader),
            categories=categories.make(reader),
            footprints=footprints.make(reader),
            emission_factors=emission_factors.make(reader),
            footprints_by_product=footprints_by_product.make(reader),
            stages_by_footprint=stages_by_footprint.make(reader),
            inventory_by_footprint=inventory_by_footprint.make(reader),
            labels_by_footprint=labels_by_footprint.make(reader),
            labels=labels.make(reader),
            decisions_by_footprint=decisions_by_footprint.make(reader),
            mapped_footprints=mapped_footprints.make(reader),
            quality_by_footprint=quality_by_footprint.make(reader),
        )

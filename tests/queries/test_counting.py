"""totalCount is exact, counted once per data version, and two workers on one database agree (issue 15).

Two hubs on the same database stand for two workers: each has its own count cache; a write through one
bumps the database's data version (triggers of migration 0020), so the other counts again.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text

from hub.app import create_app
from hub.auth.principal import Role
from hub.bootstrap import Hub, open_hub
from hub.config import Settings
from hub.db.engine import sync_url
from hub.db.models import DataVersion, Footprint, Organization, Product
from tests.api.fixtures import gql, org_iri, token
from tests.api.live import LiveServer

COUNT = "{ footprints(first: 1) { totalCount } }"


def _total(client: httpx.Client, hub: Hub, role: Role, key: str | None = None) -> int:
    body = gql(client, COUNT, token(hub, role, key)).json()
    assert "errors" not in body, body
    return int(body["data"]["footprints"]["totalCount"])


def _verified_of_another_enterprise(url: str, hub: Hub) -> str:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        iri = conn.scalar(
            select(Footprint.iri)
            .join(Product, Product.id == Footprint.product_id)
            .join(Organization, Organization.id == Product.owner_id)
            .where(Footprint.status == "verified", Organization.iri != org_iri(hub.settings, "zj-battery"))
            .limit(1)
        )
    engine.dispose()
    assert iri is not None, "the demo data has no verified footprint of another enterprise"
    return str(iri)


def _version(url: str) -> int:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        version = conn.scalar(select(DataVersion.version))
    engine.dispose()
    return int(version or 0)


def test_total_count_is_cached_per_data_version_and_two_workers_agree(demo_db_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=demo_db_url, key_dir=tmp_path / "keys")
    one, two = open_hub(settings), open_hub(settings)
    with (
        LiveServer(create_app(hub=one)) as s1,
        LiveServer(create_app(hub=two)) as s2,
        httpx.Client(base_url=s1.url, timeout=30) as c1,
        httpx.Client(base_url=s2.url, timeout=30) as c2,
    ):
        before = _total(c1, one, Role.ENTERPRISE)
        assert _total(c1, one, Role.ENTERPRISE) == before
        assert one.counts.computed == 1, "the second identical count was counted again"
        regulator = _total(c1, one, Role.REGULATOR)
        assert regulator > before and one.counts.computed == 2, "another grant set must not share the entry"
        _total(c1, one, Role.ENTERPRISE, "zj-cement")
        assert one.counts.computed == 3, "another enterprise must not read zj-battery's count"
        assert _total(c2, two, Role.ENTERPRISE) == before

        iri = _verified_of_another_enterprise(demo_db_url, one)
        version = _version(demo_db_url)
        mutation = f'mutation {{ publishFootprint(footprintId: "{iri}") {{ errors {{ path }} footprint {{ id }} }} }}'
        published = gql(c2, mutation, token(two, Role.REGULATOR)).json()
        assert published["data"]["publishFootprint"]["errors"] == [], published
        assert _version(demo_db_url) > version

        assert _total(c1, one, Role.ENTERPRISE) == before + 1, "worker one served a count from before the write"
        assert _total(c2, two, Role.ENTERPRISE) == before + 1
        assert one.counts.computed == 4


def test_every_write_to_a_watched_table_bumps_the_data_version(demo_db_url: str) -> None:
    engine = create_engine(sync_url(demo_db_url))
    try:
        for statement in (
            "UPDATE organization SET name_en = name_en WHERE id = (SELECT min(id) FROM organization)",
            "UPDATE product SET name = name WHERE id = (SELECT min(id) FROM product)",
            "UPDATE footprint SET comment = 'c' WHERE id = (SELECT min(id) FROM footprint)",
            "UPDATE decision SET score = score WHERE id = (SELECT min(id) FROM decision)",
        ):
            before = _version(demo_db_url)
            with engine.begin() as conn:
                conn.execute(text(statement))
            assert _version(demo_db_url) == before + 1, statement
    finally:
        engine.dispose()

"""A live hub over real HTTP (uvicorn on loopback) on a fresh copy of the demo data for each test, the callers
the life-cycle tests act as, and a way to release many requests at the same moment.

The database is read back with a synchronous engine of its own: the hub's async engine belongs to the server's
event loop, in the server's thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import Engine, select

from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.bootstrap import Hub
from hub.db.engine import make_async_engine, make_engine
from hub.db.models import EmissionFactor, Footprint, Organization, Product
from hub.domain.codes import FootprintStatus
from hub.services.audit import verify_chain
from tests import databases
from tests.api.fixtures import prepare
from tests.api.live import LiveServer
from tests.api.payloads import footprint_input

T = TypeVar("T")

CREATE_PRODUCT = """mutation($i: ProductInput!) { createProduct(input: $i) {
  product { id } errors { path reason } } }"""
CREATE_FOOTPRINT = """mutation($d: JSON!) { createFootprint(data: $d) {
  footprint { id status version } errors { path reason } } }"""
SUBMIT = """mutation($f: ID!, $v: ID!) { submitFootprint(footprintId: $f, verifierId: $v) {
  footprint { status verifier { id } } errors { path reason } } }"""
VERIFY = """mutation($f: ID!) { verifyFootprint(footprintId: $f, statement: "Checked.") {
  footprint { status } errors { path reason } } }"""
REJECT = """mutation($f: ID!) { rejectFootprint(footprintId: $f, statement: "Wrong factor.") {
  footprint { status } errors { path reason } } }"""
PUBLISH = """mutation($f: ID!) { publishFootprint(footprintId: $f) {
  footprint { status } errors { path reason } } }"""
WITHDRAW = """mutation($f: ID!) { withdrawFootprint(footprintId: $f) {
  footprint { status } errors { path reason } } }"""
APPLY = """mutation($f: ID!, $i: LabelApplication!) { applyForLabel(footprintId: $f, input: $i) {
  label { id status } errors { path reason } } }"""


@dataclass
class World:
    hub: Hub
    server: LiveServer
    db_url: str
    db: Engine

    def iri(self, kind: str, key: str) -> str:
        return f"{self.hub.settings.base_iri}{kind}/{key}"

    def token(self, role: Role, org: str) -> str:
        return self.hub.tokens.issue(Principal(role, self.iri("org", org), "ZJ"))

    def post(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """One GraphQL request on a connection of its own; the JSON answer."""
        with httpx.Client(base_url=self.server.url, timeout=60) as client:
            response = client.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def payload(self, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The one mutation's payload (record and errors); fails on a GraphQL-level error such as
        "Unexpected error.", which no caller of these mutations should ever see."""
        body = self.post(token, query, variables)
        assert not body.get("errors"), body
        [value] = body["data"].values()
        assert isinstance(value, dict)
        return value

    def scalar(self, statement: Any) -> Any:
        with self.db.connect() as conn:
            return conn.scalar(statement)

    def rows(self, statement: Any) -> list[Any]:
        with self.db.connect() as conn:
            return list(conn.execute(statement))

    def footprint_of(self, owner: str, status: FootprintStatus) -> str:
        """The IRI of a demo footprint of `owner` in `status`."""
        iri = self.scalar(
            select(Footprint.iri)
            .join(Product, Product.id == Footprint.product_id)
            .join(Organization, Organization.id == Product.owner_id)
            .where(Organization.iri == self.iri("org", owner), Footprint.status == status)
            .order_by(Footprint.id)
            .limit(1)
        )
        assert iri is not None, f"the demo has no {status.value} footprint of {owner}"
        return str(iri)

    def status(self, footprint: str) -> FootprintStatus:
        return FootprintStatus(self.scalar(select(Footprint.status).where(Footprint.iri == footprint)))

    def new_product(self, owner: str) -> str:
        token = self.token(Role.ENTERPRISE, owner)
        made = self.payload(token, CREATE_PRODUCT, {"i": {"categoryCode": "KP-46", "name": "A pack"}})
        assert made["errors"] == [], made
        return str(made["product"]["id"])

    def footprint_data(self, product: str, **extra: Any) -> dict[str, Any]:
        factor = self.scalar(select(EmissionFactor.iri).where(EmissionFactor.unit == "kWh").limit(1))
        value = self.scalar(select(EmissionFactor.value_kgco2e_per_unit).where(EmissionFactor.iri == factor))
        return {**footprint_input(product, factor, 10.0, value), **extra}

    def new_footprint(self, owner: str, product: str, **extra: Any) -> str:
        made = self.payload(
            self.token(Role.ENTERPRISE, owner), CREATE_FOOTPRINT, {"d": self.footprint_data(product, **extra)}
        )
        assert made["errors"] == [], made
        return str(made["footprint"]["id"])

    def verified_footprint(self, owner: str, verifier: str = "cert-accredited") -> str:
        """A new footprint of `owner`, taken through the API from draft to verified."""
        footprint = self.new_footprint(owner, self.new_product(owner))
        submitted = self.payload(
            self.token(Role.ENTERPRISE, owner), SUBMIT, {"f": footprint, "v": self.iri("org", verifier)}
        )
        assert submitted["errors"] == [], submitted
        verified = self.payload(self.token(Role.VERIFIER, verifier), VERIFY, {"f": footprint})
        assert verified["errors"] == [], verified
        return footprint

    def audit_chain_ok(self) -> bool:
        async def check() -> bool:
            engine = make_async_engine(self.db_url)
            try:
                async with engine.connect() as conn:
                    from sqlalchemy.ext.asyncio import AsyncSession

                    session = AsyncSession(bind=conn)
                    return (await verify_chain(session)).ok
            finally:
                await engine.dispose()

        return asyncio.run(check())


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call in a thread of its own, all released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))

    def released(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(released, calls))


@pytest.fixture
def world(templates: databases.Templates, tmp_path: Path) -> Iterator[World]:
    url = templates.fresh("demo", databases.with_demo)
    hub = prepare(url, tmp_path / "keys")
    db = make_engine(url)
    try:
        with LiveServer(create_app(hub=hub)) as server:
            yield World(hub, server, url, db)
    finally:
        db.dispose()

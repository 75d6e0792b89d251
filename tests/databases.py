"""Fresh databases for tests: SQLite files by default, PostgreSQL when CFHUB_TEST_DATABASE_URL names a server.

Building the demo database takes a second or two, so each kind (empty, demo) is built once per run as a
template and copied for every test that needs one: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
PostgreSQL. Tests therefore never share state, and still run fast.

Every table's keys start at its own offset (ID_STRIDE apart), so that no two record kinds ever share an
id: a join or a lookup on the wrong key (a footprint's id used as a product's) finds nothing instead of
a plausible row, and a test notices. On PostgreSQL each sequence restarts at its offset before any row
is written; SQLite has no sequence to set (the tables are not AUTOINCREMENT, a new key is the largest
plus one), so the filled template's keys, and every foreign key naming them, are shifted by the offset.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.config import Settings
from hub.db import migrate
from hub.db.models import Base

PG_ADMIN_URL = os.environ.get("CFHUB_TEST_DATABASE_URL")
# scripts/mutation only: SQLite templates kept in this folder and reused by every test process (each
# mutant's tests run in a fresh process; rebuilding the demo for each would cost more than the tests).
# The templates are built once, by the unmutated code.
KEPT_TEMPLATES = os.environ.get("CFHUB_TEST_TEMPLATE_DIR")


def backend() -> str:
    return "postgresql" if PG_ADMIN_URL else "sqlite"


def _pg_admin(*statements: str) -> None:
    """Run statements on the server's admin database, outside any transaction."""
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")  # type: ignore[arg-type]
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)  # type: ignore[arg-type]


class Templates:
    """Builds each template once, hands out copies, and removes everything at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._templates: dict[str, str] = {}
        self._pg_databases: list[str] = []

    def fresh(self, kind: str, fill: Callable[[str], None]) -> str:
        """A new database URL holding a copy of template `kind` (built with `fill` the first time)."""
        if kind not in self._templates:
            self._templates[kind] = self._build(kind, fill)
        return self._copy(self._templates[kind])

    def _new_url(self, stem: str) -> str:
        name = f"cfhub_{stem}_{uuid.uuid4().hex[:10]}"
        if backend() == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        self._pg_databases.append(name)
        return _pg_url(name)

    def _build(self, kind: str, fill: Callable[[str], None]) -> str:
        if KEPT_TEMPLATES and backend() == "sqlite":
            return self._kept(kind, fill)
        url = self._new_url(f"tpl_{kind}")
        fill(url)
        return url

    def _kept(self, kind: str, fill: Callable[[str], None]) -> str:
        kept = Path(KEPT_TEMPLATES or "") / f"{kind}.db"
        if not kept.exists():
            url = self._new_url(f"tpl_{kind}")
            fill(url)
            os.replace(make_url(url).database or "", kept)  # atomic: a concurrent reader sees all or nothing
        return f"sqlite:///{kept}"

    def _copy(self, template_url: str) -> str:
        if backend() == "sqlite":
            source = Path(make_url(template_url).database or "")
            target = self.workdir / f"cfhub_{uuid.uuid4().hex[:10]}.db"
            shutil.copyfile(source, target)
            return f"sqlite:///{target}"
        name = f"cfhub_t_{uuid.uuid4().hex[:10]}"
        template = make_url(template_url).database
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._pg_databases.append(name)
        return _pg_url(name)

    def new_empty(self) -> str:
        """A database with no tables at all (for migration tests)."""
        return self._new_url("bare")

    def cleanup(self) -> None:
        if backend() != "postgresql":
            return
        _pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self._pg_databases))


# Far above any table's row count in a test world, so the ranges never meet.
ID_STRIDE = 1_000_000


def id_offsets() -> dict[str, int]:
    """Each table's first key: a distinct multiple of ID_STRIDE (in table-name order, so stable)."""
    return {name: ID_STRIDE * (i + 1) for i, name in enumerate(sorted(Base.metadata.tables))}


def _sync_engine(url: str) -> Engine:
    sync = make_url(url)
    if sync.drivername == "postgresql":
        sync = sync.set(drivername="postgresql+psycopg")
    return create_engine(sync, poolclass=NullPool)


def restart_sequences(url: str) -> None:
    """PostgreSQL: start every table's key sequence at its offset, before the first row is written."""
    engine = _sync_engine(url)
    with engine.begin() as conn:
        for table, offset in id_offsets().items():
            conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :o, false)"), {"t": table, "o": offset})
    engine.dispose()


def shift_keys(url: str) -> None:
    """SQLite: move every table's keys (and the foreign keys naming them) up by the table's offset."""
    offsets = id_offsets()
    engine = _sync_engine(url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        for name, table in Base.metadata.tables.items():
            conn.execute(text(f'UPDATE "{name}" SET id = id + {offsets[name]}'))
            for fk in table.foreign_keys:
                shift, col = offsets[fk.column.table.name], fk.parent.name
                conn.execute(text(f'UPDATE "{name}" SET "{col}" = "{col}" + {shift} WHERE "{col}" IS NOT NULL'))
    engine.dispose()


def _distinct_keys(url: str, fill: Callable[[], None]) -> None:
    """Run `fill` on the migrated database so that its keys come out distinct across tables."""
    if backend() == "postgresql":
        restart_sequences(url)
        fill()
    else:
        fill()
        shift_keys(url)


def migrated(url: str) -> None:
    migrate.upgrade(url)
    if backend() == "postgresql":
        restart_sequences(url)


def with_demo(url: str) -> None:
    migrate.upgrade(url)
    _distinct_keys(url, lambda: _load_demo(url))


def _load_demo(url: str) -> None:
    from hub.bootstrap import open_hub
    from hub.demo.loader import load_demo

    async def run() -> None:
        hub = open_hub(Settings(database_url=url))
        try:
            await load_demo(hub)
        finally:
            await hub.close()

    asyncio.run(run())

"""Issue 9, item 11: every "Unexpected error." is logged with a correlation id that the answer carries.

The masked answer says nothing of the cause (no SQL, no table, no exception); the log line under logger
`cfhub.errors` has the same id and the traceback, so an operator can find the cause. The fault is real: a
table of the test's own database is dropped under the running hub.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hub.auth.principal import Role
from tests import databases
from tests.security.live_hub import Served, serve

DATASETS = "{ datasets { id name } }"


@pytest.fixture
def broken(templates: databases.Templates, tmp_path: Path) -> Iterator[Served]:
    """A hub over real HTTP whose `dataset` table has gone (a fault an operator must be able to trace)."""
    with serve(templates, tmp_path / "keys") as served:
        ok = served.gql(Role.REGULATOR, DATASETS)
        assert ok.json()["data"]["datasets"], ok.text
        url = make_url(served.url)
        url = url.set(drivername="postgresql+psycopg" if url.get_backend_name() == "postgresql" else "sqlite")
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(
                text("DROP TABLE dataset CASCADE" if url.get_backend_name() == "postgresql" else "DROP TABLE dataset")
            )
        engine.dispose()
        yield served


def _masked_id(body: Any) -> str:
    (error,) = body["errors"]
    assert error["message"] == "Unexpected error."
    assert set(error["extensions"]) == {"code", "id"}
    assert error["extensions"]["code"] == "INTERNAL"
    error_id: str = error["extensions"]["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", error_id)
    return error_id


def test_a_masked_error_is_logged_with_the_id_the_answer_carries(
    broken: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="cfhub.errors"):
        response = broken.gql(Role.REGULATOR, DATASETS)
    assert response.status_code == 200
    error_id = _masked_id(response.json())
    assert "dataset" not in response.text.replace('"datasets"', "")  # the answer tells nothing of the cause
    (record,) = [r for r in caplog.records if r.name == "cfhub.errors" and error_id in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None  # the traceback
    assert "dataset" in caplog.text and "Traceback" in caplog.text  # the cause, for the operator


def test_each_masked_error_gets_its_own_id(broken: Served, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="cfhub.errors"):
        ids = [_masked_id(broken.gql(Role.REGULATOR, DATASETS).json()) for _ in range(3)]
    assert len(set(ids)) == 3
    logged = [r.getMessage() for r in caplog.records if r.name == "cfhub.errors"]
    assert all(any(i in line for line in logged) for i in ids)


def test_refused_input_is_not_an_unexpected_error(broken: Served, caplog: pytest.LogCaptureFixture) -> None:
    """A 400 for bad input is the caller's problem: answered plainly, not logged as a fault."""
    with caplog.at_level(logging.ERROR, logger="cfhub.errors"):
        response = broken.post(Role.REGULATOR, b'{"query": "{ __typename }", "variables": {"x": NaN}}')
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.name == "cfhub.errors"]

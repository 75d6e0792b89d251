"""The OpenAPI document at /openapi.json describes the PACT routes, and a property-based test over it
(schemathesis) sends generated requests to a live hub: none is answered with a server error, and every
answer conforms to the document (status codes, content types, response schemas)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.case import Case

from hub.auth.principal import Role
from hub.pact.host import routes
from hub.pact.openapi import declared
from tests import databases
from tests.pact.host_live import Host, live_host

MAX_EXAMPLES = 20  # per operation: enough to walk the parameters, small enough for CI


@pytest.fixture(scope="module")
def host(templates: databases.Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    with live_host(templates, tmp_path_factory.mktemp("keys")) as h:
        yield h


def test_the_document_describes_every_pact_route() -> None:
    described = set(declared()["paths"])
    assert described == {r.path for r in routes}


def test_the_document_names_the_hubs_public_origin(host: Host) -> None:
    doc = host.client.get("/openapi.json").json()
    assert doc["servers"] == [{"url": host.hub.settings.public_base_url.rstrip("/")}]
    assert doc["openapi"].startswith("3.1")


def _checker(operation: Any, base_url: str, headers: dict[str, str]) -> Any:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers)

    return check


def test_no_generated_request_gets_a_server_error(host: Host) -> None:
    """Each operation's generated requests (schemathesis' strategies, run by hypothesis here: its pytest
    plugin does not run on this pytest), checked with every schemathesis check."""
    api = schemathesis.openapi.from_url(f"{host.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert {o.path for o in operations} >= {"/auth/token", "/3/footprints", "/3/footprints/{id}"}
    for operation in operations:
        headers = host.bearer(Role.INTERNATIONAL_BODY) if operation.path.startswith("/3/") else {}
        _checker(operation, host.url, headers)()


def test_list_footprints_takes_every_parameter_of_the_official_v3_document() -> None:
    import yaml

    from tests.mapping.pact_official import pact_dir

    official = yaml.safe_load((pact_dir() / "openapi.yaml").read_text(encoding="utf-8"))
    refs = official["paths"]["/3/footprints"]["get"]["parameters"]
    names = {
        p["name"] if "name" in p else official["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
        for p in refs
    }
    ours = {p["name"] for p in declared()["paths"]["/3/footprints"]["get"]["parameters"]}
    assert names <= ours, names - ours

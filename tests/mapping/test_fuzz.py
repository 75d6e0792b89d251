"""No record, however broken, makes a mapping raise: every failure is named in the result."""

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.mapping import MappingResult, load_catalog
from tests.mapping.helpers import all_examples

CATALOG = load_catalog()
EXAMPLES = list(all_examples().values())
IMPORT_INPUTS = {target: CATALOG.get(target).map(EXAMPLES[0]).output for target in ("pact", "yrd", "gba")}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_broken_records_are_reported_never_raised(data: st.DataObject) -> None:
    mapper = data.draw(st.sampled_from(CATALOG.mappers()))
    doc = data.draw(st.sampled_from(EXAMPLES)) if mapper.mapping.direction == "export" else IMPORT_INPUTS[mapper.target]
    path = data.draw(st.sampled_from(_paths(doc)))
    broken = _mutate(doc, path, data.draw(json_values))
    result = mapper.map(broken)
    assert isinstance(result, MappingResult)
    for field, reason in result.errors + result.lost + result.approximated:
        assert isinstance(field, str) and isinstance(reason, str) and reason

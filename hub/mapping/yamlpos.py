"""A YAML loader that keeps line numbers, so that a refused mapping names the line at fault."""

from __future__ import annotations

from typing import Any

import yaml

from rules_engine.yamlsrc import NoAliasLoader


class Node(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(NoAliasLoader):
    """Refuses anchors and aliases (see `NoAliasLoader`): a mapping is a short reviewed document and needs none."""

    documents = "mappings"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    out = Node()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: a mapping's effective date and a rule's constants are compared as text.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_text(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def line_at(root: Any, path: list[Any]) -> int | None:
    """The line of the value at `path` (keys and list indexes) inside a loaded document."""
    node, line = root, getattr(root, "line", None)
    for step in path:
        if isinstance(node, Node) and step in node:
            line = node.line_of(step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
        else:
            break
    return line

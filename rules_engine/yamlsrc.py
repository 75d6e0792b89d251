"""A YAML reader that keeps where each value came from, so load errors can name file, line and column.

`load_yaml` returns plain dicts, lists and scalars; `where(value_container, key)` gives a key's position.
The positions are kept beside the data (in `Located` dict/list subclasses), not inside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rules_engine.issues import Position


class LocatedDict(dict[str, Any]):
    """A mapping from YAML that remembers its own position and each key's value position."""

    pos: Position
    key_pos: dict[str, Position]

    def at(self, key: str) -> Position:
        return self.key_pos.get(key, self.pos)


class LocatedList(list[Any]):
    pos: Position
    item_pos: list[Position]

    def at(self, index: int) -> Position:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


ALIASES_REFUSED = "YAML anchors and aliases are not allowed in"


class NoAliasLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases, at the first one, with its position.

    Aliases let a few hundred bytes stand for gigabytes (nested anchors, x9 per level): anything that walks
    or prints the value (schema validation, error messages) pays for the expansion. Rule sets and mappings
    are short, reviewed documents and need none. `documents` names what is read, for the message.
    """

    documents = "these documents"

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(None, None, f"{ALIASES_REFUSED} {self.documents}", event.start_mark)
        return super().compose_node(parent, index)


class _Loader(NoAliasLoader):
    """Leaves dates as ISO strings (the JSON Schema and JSON output want strings); refuses anchors and aliases."""

    documents = "rule sets"


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _position(node: yaml.Node, file: str) -> Position:
    return Position(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar_position(node: yaml.Node, file: str) -> Position:
    """Where the text of a scalar starts (inside quotes and after a block indicator)."""
    pos = _position(node, file)
    if isinstance(node, yaml.ScalarNode):
        if node.style in ('"', "'"):
            return Position(file, pos.line, pos.column + 1)
        if node.style in ("|", ">"):
            return Position(file, pos.line + 1, node.start_mark.column + 1)
    return pos


def _construct(node: yaml.Node, loader: _Loader, file: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = LocatedDict()
        out.pos = _position(node, file)
        out.key_pos = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            out[str(key)] = _construct(value_node, loader, file)
            out.key_pos[str(key)] = _scalar_position(value_node, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList()
        items.pos = _position(node, file)
        items.item_pos = []
        for item in node.value:
            items.append(_construct(item, loader, file))
            items.item_pos.append(_scalar_position(item, file))
        return items
    return loader.construct_object(node, deep=True)


def load_yaml_text(text: str, file: str = "<string>") -> Any:
    """Parse YAML text into located dicts/lists; raises yaml.YAMLError on a syntax error."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _construct(node, loader, file)
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    return load_yaml_text(path.read_text(encoding="utf-8"), str(path))


def position_of(container: Any, key: str | int | None = None) -> Position:
    """The position of a key's value (or of the container itself), or an unknown position."""
    if isinstance(container, LocatedDict):
        return container.at(key) if isinstance(key, str) else container.pos
    if isinstance(container, LocatedList):
        return container.at(key) if isinstance(key, int) else container.pos
    return Position()

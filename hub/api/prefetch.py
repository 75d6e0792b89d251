"""Look-ahead loading: before a page is returned, the relations its query asks for are loaded level by
level through the same DataLoaders (so through the policy), and kept on each object. graphql-core then
completes the page synchronously instead of scheduling a task per relation per row, which on a page of
100 footprints is most of the time a request takes. The statement count is the loaders' (one per relation
per level: each level calls the loader's batch function once); a relation that is not prefetched is
resolved by its loader as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)

from hub.api.fast import RELATIONS

PREFIX = "_rel_"


def _included(node: Any, variables: dict[str, Any]) -> bool:
    for directive in node.directives or ():
        if directive.name.value in {"skip", "include"} and directive.arguments:
            value = value_from_ast_untyped(directive.arguments[0].value, variables)
            if (directive.name.value == "skip") == bool(value):
                return False
    return True


def _fields(
    info: GraphQLResolveInfo, type_name: str, selection_sets: list[SelectionSetNode]
) -> dict[str, list[FieldNode]]:
    """Requested fields of `type_name` by response-independent field name, through fragments."""
    out: dict[str, list[FieldNode]] = {}
    pending = list(selection_sets)
    seen: set[str] = set()
    while pending:
        selection_set = pending.pop()
        for sel in selection_set.selections:
            if not _included(sel, info.variable_values.coerced):
                continue
            if isinstance(sel, FieldNode):
                out.setdefault(sel.name.value, []).append(sel)
            elif isinstance(sel, InlineFragmentNode):
                if sel.type_condition is None or sel.type_condition.name.value in (
                    type_name,
                    "Node",
                    "Provenance",
                ):
                    pending.append(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                seen.add(sel.name.value)
                fragment = info.fragments.get(sel.name.value)
                if fragment and fragment.type_condition.name.value in (type_name, "Node", "Provenance"):
                    pending.append(fragment.selection_set)
    return out


async def prefetch(
    info: GraphQLResolveInfo, type_name: str, objects: list[Any], selection_sets: list[SelectionSetNode]
) -> None:
    if not objects or not selection_sets:
        return
    gql_type = info.schema.type_map[type_name]
    assert isinstance(gql_type, GraphQLObjectType)
    requested = _fields(info, type_name, selection_sets)
    jobs = []
    for gql_name, nodes in requested.items():
        field = gql_type.fields.get(gql_name)
        definition = field.extensions.get("strawberry-definition") if field else None
        if definition is None or (type_name, definition.python_name) not in RELATIONS:
            continue
        child_type = get_named_type(field.type).name
        subsets = [n.selection_set for n in nodes if n.selection_set is not None]
        jobs.append(_relation(info, type_name, definition.python_name, child_type, objects, subsets))
    await asyncio.gather(*jobs)


async def _relation(
    info: GraphQLResolveInfo,
    type_name: str,
    name: str,
    child_type: str,
    objects: list[Any],
    subsets: list[SelectionSetNode],
) -> None:
    loader_name, many = RELATIONS[type_name, name]
    loader = getattr(info.context.loaders, loader_name)
    holders = [o for o in objects if o.__dict__.get(name) is not None]
    if not holders:
        return
    keys = list(dict.fromkeys(o.__dict__[name] for o in holders))
    try:
        # The loader's batch function itself: one call for the level, no future per row.
        by_key = dict(zip(keys, await loader.load_fn(keys), strict=True))
    except Exception:  # left to the field's resolver, which reports it on the field
        return
    results = [by_key[o.__dict__[name]] for o in holders]
    children: list[Any] = []
    for obj, result in zip(holders, results, strict=True):
        obj.__dict__[PREFIX + name] = result
        if many:
            children.extend(result)
        elif result is not None:
            children.append(result)
    unique = list({id(c): c for c in children}.values())
    await prefetch(info, child_type, unique, subsets)


def connection_nodes(info: GraphQLResolveInfo) -> list[SelectionSetNode]:
    """The selection sets under `edges { node { ... } }` of the connection field being resolved."""
    out: list[SelectionSetNode] = []
    for field in info.field_nodes:
        for edges in _fields(info, "", [field.selection_set] if field.selection_set else []).get("edges", []):
            for node in _fields(info, "", [edges.selection_set] if edges.selection_set else []).get("node", []):
                if node.selection_set is not None:
                    out.append(node.selection_set)
    return out


def field_selections(info: GraphQLResolveInfo) -> list[SelectionSetNode]:
    return [f.selection_set for f in info.field_nodes if f.selection_set is not None]

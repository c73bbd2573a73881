"""A YAML loader that refuses alias bombs ("billion laughs") before they are expanded.

PyYAML builds an alias as a reference to the anchored node, so a few hundred bytes of nested
aliases load in microseconds, and then JSON encoding (Jsonnet, the API server) expands them
to billions of nodes. :class:`BoundedLoader` counts, on the composed node graph and before
anything is constructed, how many nodes the document would have written out in full, and
refuses one where aliases add more than :data:`MAX_ALIAS_NODES` (or refer to themselves).

It also keeps an unquoted date or timestamp (``2020-01-01``) as the string it was written as,
as go-yaml does for kubectl and ksonnet: PyYAML's ``datetime`` cannot become JSON.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_ALIAS_NODES", "BoundedLoader", "YamlBomb"]

MAX_ALIAS_NODES = 1_000_000
"""Nodes that aliases may add to a document: far beyond hand-written anchors and merges."""


class YamlBomb(yaml.YAMLError):
    """A document whose aliases would expand beyond the limit; a YAMLError, so readers name the file."""


class BoundedLoader(yaml.CSafeLoader):
    """PyYAML's C safe loader with the alias-expansion limit, and timestamps kept as text."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        # No anchor, no alias: skip the count (a quarter of the load time of a large file).
        self._may_alias = not isinstance(stream, str) or "&" in stream

    def construct_document(self, node: yaml.Node) -> Any:
        if self._may_alias:
            _check_expansion(node)
        return super().construct_document(node)


def _as_written(loader: BoundedLoader, node: yaml.Node) -> str:
    return str(node.value)


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_written)


def _check_expansion(root: yaml.Node) -> None:
    """Count the expanded size of the node graph (memoized per node, so linear in its size)."""
    size: dict[int, int] = {}
    unique = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            if size[key] - unique > MAX_ALIAS_NODES:
                raise YamlBomb(
                    f"aliases would expand this YAML beyond {MAX_ALIAS_NODES:,} extra nodes "
                    f"(line {node.start_mark.line + 1}); refusing it"
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlBomb(f"an alias refers to itself (line {node.start_mark.line + 1}); refusing it")
        unique += 1
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []

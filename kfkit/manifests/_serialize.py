"""YAML and JSON output that kubectl reads back exactly as kfkit meant it.

PyYAML resolves scalars as YAML 1.1, but kubectl's reader also takes ``y``/``n`` as
booleans and ``1e3``/``0o17`` as numbers (measured in shared/reference/bench.md), so
every string that any of those readers would retype is single-quoted.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from kfkit._types import Obj

__all__ = ["to_json", "to_yaml", "yaml_document"]

_RETYPED = re.compile(
    r"""^(?:
        [yYnN] | [Yy]es | YES | [Nn]o | NO | [Tt]rue | TRUE | [Ff]alse | FALSE | [Oo]n | ON | [Oo]ff | OFF
      | ~ | [Nn]ull | NULL | = | <<
      | [-+]?(?:0b[01_]+ | 0o?[0-7_]+ | 0x[0-9a-fA-F_]+ | [0-9][0-9_]*(?::[0-5]?[0-9])*)
      | [-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    )$""",
    re.VERBOSE,
)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter, fed nodes that :meth:`node` builds (PyYAML's generic representer
    cost twice the emitting for a large render), remembering how each scalar resolves."""

    def __init__(self, stream: io.StringIO, resolved: dict[tuple[str, tuple[bool, bool]], str]) -> None:
        super().__init__(stream, default_flow_style=False, allow_unicode=True, width=1 << 30)
        self._resolved = resolved

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The emitter asks twice per scalar; an object's keys and values repeat a lot."""
        scalar = kind is yaml.ScalarNode
        known = self._resolved.get((value, implicit)) if scalar else None
        if known is None:
            known = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]  # untyped in the stubs
            if scalar:
                self._resolved[value, implicit] = known
        assert known is not None
        return known

    def node(self, value: Any) -> yaml.Node:
        """The YAML node of a JSON value: keys sorted, block style, kfkit's string styles; a
        repeated Python object is written again, never as an anchor and alias."""
        if isinstance(value, str):
            if _RETYPED.match(value) and value not in ("", ".", "_"):
                return yaml.ScalarNode(_STR, value, style="'")
            return yaml.ScalarNode(_STR, value, style="|" if "\n" in value else None)
        if isinstance(value, dict):
            pairs = [(self.node(k), self.node(v)) for k, v in sorted(value.items())]
            return yaml.MappingNode(_MAP, pairs, flow_style=False)
        if isinstance(value, list):
            return yaml.SequenceNode(_SEQ, [self.node(v) for v in value], flow_style=False)
        node: yaml.Node = self.represent_data(value)  # null, booleans and numbers as PyYAML writes them
        return node


def _documents(values: Iterable[Any]) -> Iterator[str]:
    """Each value as a document of its own (one stream would write ``--- {}`` for an empty one)."""
    resolved: dict[tuple[str, tuple[bool, bool]], str] = {}
    for value in values:
        stream = io.StringIO()
        dumper = _Dumper(stream, resolved)
        dumper.open()
        dumper.serialize(dumper.node(value))
        dumper.close()
        yield stream.getvalue()


def yaml_document(value: Any) -> str:
    """One YAML document: sorted keys, 2-space indent, block style (ksonnet's look)."""
    return next(_documents([value]))


def to_yaml(objects: list[Obj]) -> str:
    """A multi-document stream with ``---`` before each object, as ``ks show`` printed."""
    return "".join(f"---\n{document}" for document in _documents(objects))


def to_json(objects: list[Obj]) -> str:
    """A ``v1 List`` holding the objects, 2-space indented with sorted keys."""
    return (
        json.dumps(
            {"apiVersion": "v1", "kind": "List", "items": objects},
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )

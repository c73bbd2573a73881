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
# The events PyYAML's serializer sends for any block mapping or sequence: the same every time.
_MAPPING_START = yaml.MappingStartEvent(None, _MAP, True, flow_style=False)
_MAPPING_END = yaml.MappingEndEvent()
_SEQUENCE_START = yaml.SequenceStartEvent(None, _SEQ, True, flow_style=False)
_SEQUENCE_END = yaml.SequenceEndEvent()


class _Emitter(yaml.CSafeDumper):
    """libyaml's emitter, fed the events :meth:`write` makes of a JSON value, as PyYAML's
    serializer would make them of its representer's nodes: keys sorted, block style, kfkit's
    string styles. Building nodes cost twice the emitting for a large render, and a node
    met twice is written as an anchor and alias; an event can be sent any number of times,
    so each distinct string's is made once per stream (``scalars``) and sent again."""

    def __init__(self, stream: io.StringIO, scalars: dict[str, yaml.ScalarEvent]) -> None:
        super().__init__(stream, default_flow_style=False, allow_unicode=True, width=1 << 30)
        self._scalars = scalars

    def write(self, value: Any) -> None:
        """``value`` as a stream of one document."""
        self.emit(yaml.StreamStartEvent())
        self.emit(yaml.DocumentStartEvent(explicit=False))
        self._value(value)
        self.emit(yaml.DocumentEndEvent(explicit=False))
        self.emit(yaml.StreamEndEvent())

    def _value(self, value: Any) -> None:
        if isinstance(value, str):
            event = self._scalars.get(value)
            if event is None:
                event = self._scalars[value] = self._scalar(_STR, value, _style(value))
            self.emit(event)
        elif isinstance(value, dict):
            self.emit(_MAPPING_START)
            for key in sorted(value):
                self._value(key)
                self._value(value[key])
            self.emit(_MAPPING_END)
        elif isinstance(value, list):
            self.emit(_SEQUENCE_START)
            for item in value:
                self._value(item)
            self.emit(_SEQUENCE_END)
        else:  # null, booleans and numbers as PyYAML writes them
            node = self.represent_data(value)
            assert isinstance(node, yaml.ScalarNode), f"not a JSON value: {value!r}"
            self.emit(self._scalar(node.tag, node.value, node.style))

    def _scalar(self, tag: str, text: str, style: str | None) -> yaml.ScalarEvent:
        """A scalar's event: may it be plain, may it be quoted, and still read back as ``tag``
        (the emitter quotes a string that would read back as anything else)."""
        plain = self.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]  # untyped in the stubs
        quoted = self.resolve(yaml.ScalarNode, text, (False, True))  # type: ignore[no-untyped-call]
        return yaml.ScalarEvent(None, tag, (tag == plain, tag == quoted), text, style=style)


def _style(text: str) -> str | None:
    """Single quotes for what a reader would retype, a literal block for several lines."""
    if _RETYPED.match(text) and text not in ("", ".", "_"):
        return "'"
    return "|" if "\n" in text else None


def _documents(values: Iterable[Any]) -> Iterator[str]:
    """Each value as a document of its own (one stream would write ``--- {}`` for an empty one)."""
    scalars: dict[str, yaml.ScalarEvent] = {}
    for value in values:
        stream = io.StringIO()
        _Emitter(stream, scalars).write(value)
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

"""YAML and JSON output that kubectl reads back exactly as kfkit meant it.

PyYAML resolves scalars as YAML 1.1, but kubectl's reader also takes ``y``/``n`` as
booleans and ``1e3``/``0o17`` as numbers (measured in shared/reference/bench.md), so
every string that any of those readers would retype is single-quoted.
"""

from __future__ import annotations

import json
import re
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


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter with kfkit's string style choices."""


def _represent_str(dumper: _Dumper, value: str) -> yaml.Node:
    if _RETYPED.match(value) and value not in ("", ".", "_"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def yaml_document(value: Any) -> str:
    """One YAML document: sorted keys, 2-space indent, block style (ksonnet's look)."""
    text: str = yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 30,
    )
    return text


def to_yaml(objects: list[Obj]) -> str:
    """A multi-document stream with ``---`` before each object, as ``ks show`` printed."""
    return "".join(f"---\n{yaml_document(obj)}" for obj in objects)


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

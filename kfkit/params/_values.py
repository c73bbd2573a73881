"""Typing of values given on the command line (``kfkit param set``)."""

from __future__ import annotations

import json
import re

from kfkit._types import JsonValue
from kfkit.errors import UsageError

__all__ = ["parse_key", "parse_value"]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_EXACT = 2**53  # Jsonnet numbers are doubles: beyond this, integers would change


def parse_value(text: str, *, as_string: bool = False) -> JsonValue:
    """Integers, floats, true/false, null and JSON arrays/objects; anything else is a string.

    Unlike ksonnet, ``1.5`` is a number and ``null`` can be written; integers too large
    for a Jsonnet number stay strings, so what is shown is exactly what was typed.
    """
    if as_string:
        return text
    if _INT.match(text):
        number = int(text)
        return number if abs(number) <= _EXACT else text
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        value = float(text)
        return value if value not in (float("inf"), float("-inf")) else text
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text.startswith(("[", "{")):
        try:
            parsed: JsonValue = json.loads(text)
        except json.JSONDecodeError as exc:
            kind = "array" if text.startswith("[") else "object"
            raise UsageError(
                f"value {text!r} looks like a JSON {kind} but is not valid JSON: {exc.msg}"
            ) from exc
        return parsed
    return text


def parse_key(key: str) -> list[str]:
    """A dotted key as a path; empty segments are usage errors."""
    parts = key.split(".")
    if not key or any(not p for p in parts):
        raise UsageError(
            f"invalid param key {key!r}: use names separated by single dots, e.g. resources.limits.cpu"
        )
    return parts

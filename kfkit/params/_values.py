"""Typing of values given on the command line (``kfkit param set``)."""

from __future__ import annotations

from kfkit._literals import parse_number, parse_structure
from kfkit._types import JsonValue
from kfkit.errors import UsageError

__all__ = ["parse_key", "parse_value"]


def parse_value(text: str, *, as_string: bool = False) -> JsonValue:
    """Numbers, true/false (any case, as ksonnet), null, objects and arrays; else a string.

    Numbers are Jsonnet number literals kept as typed (``1e3`` is written ``1e3``);
    objects and arrays are JSON or Jsonnet literals (``{app: 'web'}``). Unlike ksonnet,
    ``1.5`` is a number and ``null`` can be written; integers too large for a Jsonnet
    number stay strings, so what is shown is exactly what was typed.
    """
    _check_text(text, "value")
    if as_string:
        return text
    number = parse_number(text)
    if number is not None:
        return number
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text == "null":
        return None
    if text.startswith(("[", "{")):
        try:
            return parse_structure("value", text, "array" if text.startswith("[") else "object")
        except RecursionError:
            raise UsageError(f"value {text[:20]!r}… nests too deeply to store as a param") from None
    return text


def parse_key(key: str) -> list[str]:
    """A dotted key as a path; empty segments are usage errors."""
    _check_text(key, "key")
    parts = key.split(".")
    if not key or any(not p for p in parts):
        raise UsageError(
            f"invalid param key {key!r}: use names separated by single dots, e.g. resources.limits.cpu"
        )
    return parts


def _check_text(text: str, what: str) -> None:
    """Arguments that were not valid UTF-8 arrive with lone surrogates; no file can hold them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(f"param {what} {text!r} is not valid UTF-8 (position {exc.start})") from None

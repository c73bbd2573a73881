"""Values typed on the command line (``param set``, ``generate --<param>``) as Jsonnet values.

Two rules keep what is written to the params files what the user typed:

- A number is a Jsonnet number literal (``3``, ``-0.5``, ``1e3``, ``1.50``) and is written
  back exactly as typed: ``1e3`` stays ``1e3``, never ``1000.0``. Other spellings (``.5``,
  ``1.``, ``0x10``, ``007``) are not numbers.
- An object or array is a Jsonnet literal (JSON is one), as ksonnet's prototype docs wrote
  them: ``--targetLabelSelector "{app: 'nginx'}"``.
"""

from __future__ import annotations

import json
import re

from kfkit._types import JsonValue
from kfkit.errors import RenderError, UsageError

__all__ = ["NumberText", "parse_number", "parse_structure"]

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_EXACT = 2**53  # Jsonnet numbers are doubles: beyond this, integers would change


class NumberText(float):
    """A float that is written to Jsonnet as the text it was typed as (``repr`` is that text)."""

    text: str

    def __new__(cls, text: str) -> NumberText:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text


def parse_number(text: str) -> int | float | None:
    """The number a Jsonnet number literal means, or None when ``text`` is not one.

    Integers are exact ints (None beyond 2**53, where a double would change them); a
    fraction or exponent gives a :class:`NumberText`, so ``1e3`` is written back as ``1e3``.
    """
    found = _NUMBER.fullmatch(text)
    if not found:
        return None
    if not found.group(1) and not found.group(2):
        number = int(text)
        return number if abs(number) <= _EXACT else None
    value = NumberText(text)
    return value if value not in (float("inf"), float("-inf")) else None


def parse_structure(where: str, text: str, kind: str) -> JsonValue:
    """A JSON or Jsonnet object (``kind="object"``) or array literal; anything else is a usage error."""
    try:
        value: JsonValue = json.loads(text)
    except json.JSONDecodeError:
        if "\0" in text:  # the engine reads C strings: it would fail with a traceback
            raise UsageError(f"{where}: {text!r} is not a Jsonnet {kind}: it holds a NUL character") from None
        from kfkit.evaluator import Evaluation, evaluate_snippet  # the engine only when needed

        try:
            value = evaluate_snippet(where, text, Evaluation())
        except RenderError as exc:
            detail = str(exc).removeprefix(f"{where}:")
            raise UsageError(f"{where}: {text!r} is not a Jsonnet {kind}: {detail}") from exc
    if not isinstance(value, dict if kind == "object" else list):
        raise UsageError(f"{where}: {text!r} is not a Jsonnet {kind}")
    return value

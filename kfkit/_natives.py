"""The native functions ksonnet (and kubecfg/Tanka) offered Jsonnet code via ``std.native``.

They ran in Go there, so each one here follows the Go library ksonnet called.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from kfkit._types import JsonValue

__all__ = ["NATIVES", "forget_failure", "last_failure"]


def _parse_json(text: str) -> JsonValue:
    """Go's encoding/json: numbers are doubles, NaN and out-of-range numbers are errors."""

    def reject(constant: str) -> float:
        raise ValueError(f"invalid character {constant[0]!r} looking for beginning of value")

    def number(literal: str) -> float:
        value = float(literal)
        if math.isinf(value):
            raise ValueError(f"cannot unmarshal number {literal} into a double")
        return value

    return _lone_surrogates_replaced(
        json.loads(text, parse_int=number, parse_float=number, parse_constant=reject)
    )


def _lone_surrogates_replaced(value: JsonValue) -> JsonValue:
    """Go decodes an unpaired ``\\ud800`` escape as U+FFFD; Python keeps it and cannot encode it."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_lone_surrogates_replaced(item) for item in value]
    if isinstance(value, dict):
        return {_SURROGATE.sub("\ufffd", k): _lone_surrogates_replaced(v) for k, v in value.items()}
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_yaml(text: str) -> JsonValue:
    """Every document of a YAML stream, as an array, read as ksonnet's Go code read it."""
    from kfkit._goyaml import load_documents  # lazy: PyYAML (~90 M instructions) only when called

    return load_documents(text)


_GO_META = re.compile(r"([\\.+*?()|\[\]{}^$])")


def _escape_string_regex(text: str) -> str:
    """Go's regexp.QuoteMeta: escape exactly the RE2 metacharacters."""
    return _GO_META.sub(r"\\\1", text)


def _regex_match(pattern: str, text: str) -> bool:
    return _compile(pattern).search(text.encode()) is not None


def _regex_subst(pattern: str, text: str, replacement: str) -> str:
    """Go's ReplaceAllString, including its rules for empty matches and its ``$`` template."""
    regex = _compile(pattern)
    source = text.encode()
    pieces: list[bytes] = []
    last = position = 0
    while position <= len(source) and (match := regex.search(source, position)):
        start, end = match.span()
        pieces.append(source[last:start])
        if end > last or start == 0:  # no replacement for an empty match right after a match
            pieces.append(_expand(replacement, match, _group_names(regex)))
        last = end
        width = _utf8_width(source, position)
        position = position + width if position + width > end else max(end, position + 1)
    pieces.append(source[last:])
    return b"".join(pieces).decode()


_GO_TEMPLATE = re.compile(r"\$(?:\{(\w+)\}|(\w+)|(\$))")


def _expand(template: str, match: Any, names: Mapping[str, int]) -> bytes:
    """``$1``/``${1}``/``$name`` are groups (missing ones are empty), ``$$`` is a dollar."""

    def group(found: re.Match[str]) -> str:
        if found.group(3):
            return "$"
        name = found.group(1) or found.group(2)
        number = int(name) if re.fullmatch(r"0|[1-9][0-9]{0,8}", name) else names.get(name, -1)
        value = match.group(number) if 0 <= number <= len(match.groups()) else None
        return value.decode() if value is not None else ""

    return _GO_TEMPLATE.sub(group, template).encode()


def _group_names(regex: Any) -> dict[str, int]:
    return {name.decode() if isinstance(name, bytes) else name: n for name, n in regex.groupindex.items()}


def _utf8_width(data: bytes, position: int) -> int:
    if position >= len(data):
        return 0
    lead = data[position]
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    """RE2, the engine behind Go's regexp; its errors are worded as Go words them."""
    import re2  # lazy: ~5 M instructions, only for Jsonnet that calls the regex natives

    if _ANY_BYTE.search(pattern):
        raise ValueError("error parsing regexp: invalid escape sequence: `\\C`")
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern.encode(), options)
    except re2.error as exc:
        message = exc.args[0].decode() if isinstance(exc.args[0], bytes) else str(exc.args[0])
        code, _, expression = message.partition(": ")
        raise ValueError(f"error parsing regexp: {_GO_ERRORS.get(code, code)}: `{expression}`") from None


_ANY_BYTE = re.compile(r"(?<!\\)(?:\\\\)*\\C")
"""``\\C`` (any byte) is RE2 C++ only; Go rejects it."""

_GO_ERRORS = {
    "unexpected error": "regexp/syntax: internal error",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
}
"""RE2's C++ error codes whose Go names differ (the rest are worded alike)."""


_NATIVE_FAILURE: ContextVar[str] = ContextVar("kfkit_native_failure", default="")
"""The engine reports only "failed to execute native callback"; this keeps the why."""


def forget_failure() -> None:
    """Start an evaluation with no failure recorded."""
    _NATIVE_FAILURE.set("")


def last_failure() -> str:
    """Why the last native call of this evaluation failed, or "" if none did."""
    return _NATIVE_FAILURE.get()


def _native(
    name: str, params: tuple[str, ...], fn: Callable[..., JsonValue]
) -> tuple[str, tuple[tuple[str, ...], Callable[..., JsonValue]]]:
    def call(*args: Any) -> JsonValue:
        try:
            return fn(*args)
        except Exception as exc:
            _NATIVE_FAILURE.set(
                f'std.native("{name}") failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}'
            )
            raise

    return name, (params, call)


NATIVES = dict(
    [
        _native("parseJson", ("json",), _parse_json),
        _native("parseYaml", ("yaml",), _parse_yaml),
        _native("escapeStringRegex", ("str",), _escape_string_regex),
        _native("regexMatch", ("regex", "string"), _regex_match),
        _native("regexSubst", ("regex", "src", "repl"), _regex_subst),
    ]
)

"""The native functions ksonnet (and kubecfg/Tanka) offered Jsonnet code via ``std.native``.

They ran in Go there, so each one here follows the Go library ksonnet called.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import yaml

from kfkit._types import JsonValue

__all__ = ["NATIVES", "forget_failure", "last_failure"]


def _parse_json(text: str) -> JsonValue:
    result: JsonValue = json.loads(text)
    return result


def _parse_yaml(text: str) -> JsonValue:
    """Every document of a YAML stream, as an array (ksonnet's and Tanka's behaviour)."""
    return [doc for doc in yaml.load_all(text, Loader=yaml.CSafeLoader) if doc is not None]


_GO_META = re.compile(r"([\\.+*?()|\[\]{}^$])")


def _escape_string_regex(text: str) -> str:
    """Go's regexp.QuoteMeta: escape exactly the RE2 metacharacters."""
    return _GO_META.sub(r"\\\1", text)


def _regex_match(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


_GO_TEMPLATE = re.compile(r"\$(?:\{(\w+)\}|(\w+)|(\$))")


def _regex_subst(pattern: str, text: str, replacement: str) -> str:
    """Go's ReplaceAllString: ``$1``/``${name}`` refer to groups, ``$$`` is a dollar."""
    compiled = re.compile(pattern)

    def expand(match: re.Match[str]) -> str:
        def group(found: re.Match[str]) -> str:
            if found.group(3):
                return "$"
            name = found.group(1) or found.group(2)
            try:
                value = match.group(int(name) if name.isdigit() else name)
            except IndexError:
                return ""
            return value or ""

        return _GO_TEMPLATE.sub(group, replacement)

    return compiled.sub(expand, text)


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

"""The one place kfkit talks to a Jsonnet engine (Google's go-jsonnet).

Everything else asks this module for JSON. The engine is go-jsonnet through its
Python binding: the C++ binding is about 30x slower on ksonnet-style code.
Engine errors become :class:`~kfkit.errors.RenderError` whose first line is
``file:line:col: message`` relative to the app, with the engine's stack kept for
``--debug``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _gojsonnet

from kfkit import _natives
from kfkit._types import JsonValue
from kfkit.errors import Location, RenderError

__all__ = ["Evaluation", "engine_version", "evaluate_file", "evaluate_snippet"]


@dataclass(frozen=True)
class Evaluation:
    """What an evaluation sees besides its source: paths, variables, and where errors point."""

    jpath: Sequence[Path] = ()
    """Library search path; like go-jsonnet, later entries win."""
    ext_strs: Mapping[str, str] = field(default_factory=dict)
    ext_codes: Mapping[str, str] = field(default_factory=dict)
    tla_strs: Mapping[str, str] = field(default_factory=dict)
    tla_codes: Mapping[str, str] = field(default_factory=dict)
    root: Path | None = None
    """Paths in error messages are shown relative to this directory."""


def engine_version() -> str:
    """The engine's version, e.g. ``v0.22.0`` (part of every render cache key)."""
    version: str = _gojsonnet.version
    return version


def evaluate_file(path: Path, evaluation: Evaluation) -> JsonValue:
    """Evaluate a Jsonnet file and return its value."""
    return _run(lambda kw: _gojsonnet.evaluate_file(str(path), **kw), evaluation)


def evaluate_snippet(name: str, code: str, evaluation: Evaluation) -> JsonValue:
    """Evaluate Jsonnet source text; ``name`` is what error messages call it."""
    return _run(lambda kw: _gojsonnet.evaluate_snippet(name, code, **kw), evaluation)


def _run(call: Callable[[dict[str, Any]], str], evaluation: Evaluation) -> JsonValue:
    kwargs: dict[str, Any] = {
        # go-jsonnet searches jpathdir from the end; keep that order as given.
        "jpathdir": [str(p) for p in evaluation.jpath],
        "ext_vars": dict(evaluation.ext_strs),
        "ext_codes": dict(evaluation.ext_codes),
        "tla_vars": dict(evaluation.tla_strs),
        "tla_codes": dict(evaluation.tla_codes),
        "native_callbacks": _natives.NATIVES,
    }
    _natives.forget_failure()
    try:
        output = call(kwargs)
    except RuntimeError as exc:
        raise _render_error(str(exc), evaluation.root) from exc
    result: JsonValue = json.loads(output)
    return result


_LOCATION = re.compile(r"^\s*(?P<file>[^\s:][^:]*):(?:\(\d+:\d+\)-\(\d+:\d+\)|\d+:\d+(?:-\d+)?)")
"""``file:3:5``, ``file:3:5-9`` or ``file:(3:5)-(4:2)``: the engine's positions."""
_START = re.compile(r"^(?P<file>[^\s:][^:]*):\(?(?P<line>\d+):(?P<column>\d+)")


def _render_error(message: str, root: Path | None) -> RenderError:
    """Make the engine's multi-line message one line: ``where: what``, stack kept apart."""
    text = message.strip()
    if root is not None:
        text = text.replace(f"{root}/", "")
    lines = [line for line in text.splitlines() if line.strip()]
    head = lines[0] if lines else "evaluation failed"
    what = re.sub(r"^(RUNTIME|STATIC) ERROR: ", "", head)
    if what.startswith("failed to execute native callback") and _natives.last_failure():
        what = _natives.last_failure()
    where = next((m.group(0).strip() for line in lines[1:] if (m := _LOCATION.match(line))), "")
    what += _unary_plus_hint(what, where, root)
    located = not where or what.startswith(where.split(":")[0])
    message = what if located else f"{where}: {what}"
    start = _START.match(message)
    location = Location(start["file"], int(start["line"]), int(start["column"])) if start else None
    return RenderError(message, location=location, details=text)


_NOT_A_NUMBER = re.compile(r"^Unexpected type \w+, expected number$")


def _unary_plus_hint(what: str, where: str, root: Path | None) -> str:
    """ksonnet's go-jsonnet (0.11) let unary ``+`` pass any value through; today's rejects it.

    Old ksonnet apps have ``+ {…}`` or ``+"…"`` left over from edits; say so and how to fix it.
    """
    position = re.match(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+)", where)
    if not _NOT_A_NUMBER.match(what) or position is None:
        return ""
    path = Path(position.group("file"))
    if root is not None and not path.is_absolute():
        path = root / path
    try:
        line = path.read_text(encoding="utf-8").splitlines()[int(position.group("line")) - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    if not line[int(position.group("col")) - 1 :].startswith("+"):
        return ""
    return (
        " (a unary + before a non-number: ksonnet's go-jsonnet 0.11 let it pass, today's rejects it; "
        "delete that +, it never changed the value)"
    )

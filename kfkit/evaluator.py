"""The one place kfkit talks to a Jsonnet engine (Google's go-jsonnet).

Everything else asks this module for JSON. The engine is go-jsonnet through its
Python binding: the C++ binding is about 30x slower on ksonnet-style code.
Engine errors become :class:`~kfkit.errors.RenderError` whose first line is
``file:line:col: message`` relative to the app, with the engine's stack kept for
``--debug``.

Every ``import``/``importstr`` goes through kfkit's importer, not the engine's: it searches
like go-jsonnet (the importing file's directory, then the library path from the end), but
refuses files outside :attr:`Evaluation.confine` (an app cloned from someone else must not read
``/etc/shadow`` into a manifest), refuses text that is not UTF-8 (the engine would replace the
bytes silently), and serves :attr:`Evaluation.overrides` from memory, so an edit can be checked
before it is written.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _gojsonnet

from kfkit._types import JsonValue
from kfkit.errors import Location, RenderError

__all__ = ["Evaluation", "engine_version", "evaluate_file", "evaluate_snippet", "evaluate_snippet_json"]


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
    confine: Sequence[Path] | None = None
    """Directories imports may read from (symlinks resolved); ``None``: anywhere."""
    overrides: Mapping[Path, str] = field(default_factory=dict)
    """Files whose text is served from memory instead of disk (keyed by resolved path)."""
    max_output_bytes: int | None = None
    """Refuse a result whose JSON is longer than this."""


def engine_version() -> str:
    """The engine's version, e.g. ``v0.22.0`` (part of every render cache key)."""
    version: str = _gojsonnet.version
    return version


def evaluate_file(path: Path, evaluation: Evaluation) -> JsonValue:
    """Evaluate a Jsonnet file and return its value."""
    text = evaluation.overrides.get(path.resolve())
    if text is not None:
        return evaluate_snippet(str(path), text, evaluation)
    result: JsonValue = json.loads(_run(lambda kw: _gojsonnet.evaluate_file(str(path), **kw), evaluation))
    return result


def evaluate_snippet(name: str, code: str, evaluation: Evaluation) -> JsonValue:
    """Evaluate Jsonnet source text; ``name`` is what error messages call it."""
    result: JsonValue = json.loads(evaluate_snippet_json(name, code, evaluation))
    return result


def evaluate_snippet_json(name: str, code: str, evaluation: Evaluation) -> str:
    """:func:`evaluate_snippet`'s value as the engine's JSON text, for a caller that passes it on."""
    return _run(lambda kw: _gojsonnet.evaluate_snippet(name, code, **kw), evaluation)


def _run(call: Callable[[dict[str, Any]], str], evaluation: Evaluation) -> str:
    from kfkit import _natives  # lazy: RE2 and the YAML parser are not needed to know the version

    kwargs: dict[str, Any] = {
        # go-jsonnet searches jpathdir from the end; keep that order as given.
        "jpathdir": [str(p) for p in evaluation.jpath],
        "ext_vars": dict(evaluation.ext_strs),
        "ext_codes": dict(evaluation.ext_codes),
        "tla_vars": dict(evaluation.tla_strs),
        "tla_codes": dict(evaluation.tla_codes),
        "native_callbacks": _natives.NATIVES,
        "import_callback": _Importer(evaluation),
    }
    _natives.forget_failure()
    try:
        output = call(kwargs)
    except (RuntimeError, UnicodeDecodeError) as exc:
        refused = kwargs["import_callback"].failure
        if refused:
            # The binding garbles an importer's message (it copies it without its terminating
            # NUL), so the message comes from here and only the location from the engine.
            error = _render_error(str(exc) if isinstance(exc, RuntimeError) else "", evaluation.root)
            where = str(error.location) if error.location else refused[1]
            raise RenderError(f"{where}: {refused[0]}", location=error.location) from exc
        if isinstance(exc, UnicodeDecodeError):
            raise
        raise _render_error(str(exc), evaluation.root) from exc
    limit = evaluation.max_output_bytes
    if limit is not None and len(output) > limit:
        raise RenderError(
            f"the render is {len(output) / 2**20:.0f} MiB of JSON, over the limit of "
            f"{limit / 2**20:.0f} MiB (--max-output-mb raises it)"
        )
    return output


class _Importer:
    """go-jsonnet's import search, confined to ``evaluation.confine`` and checked for UTF-8."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        self.search = [Path(p) for p in reversed(evaluation.jpath)]
        self.roots = None if evaluation.confine is None else [p.resolve() for p in evaluation.confine]
        self.failure: tuple[str, str] | None = None
        """Why the last import failed, and the importing directory."""

    def __call__(self, base: str, rel: str) -> tuple[str, bytes]:
        try:
            return self._load(base, rel)
        except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a symlink loop
            message = str(exc) if isinstance(exc, _Refused) else f"import {rel!r}: {exc}"
            self.failure = (message, self._shown(Path(base or ".")) + "/")
            raise RuntimeError("import failed") from None

    def _load(self, base: str, rel: str) -> tuple[str, bytes]:
        if os.path.isabs(rel):
            candidates = [Path(rel)]
        else:
            candidates = [Path(base or ".") / rel, *(d / rel for d in self.search)]
        for candidate in candidates:
            resolved = candidate.resolve()
            text = self.evaluation.overrides.get(resolved)
            if text is not None:
                return str(candidate), text.encode("utf-8")
            if not resolved.is_file():
                continue
            if self.roots is not None and not any(resolved.is_relative_to(r) for r in self.roots):
                raise _Refused(
                    f"import {rel!r} reads {resolved}, outside the app and the -J paths "
                    "(--allow-import-outside permits it)"
                )
            data = resolved.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _Refused(
                    f"import {rel!r}: {self._shown(candidate)} is not UTF-8 text (byte {exc.start})"
                ) from None
            return str(candidate), data
        # go-jsonnet's wording, which callers recognise (a missing k.libsonnet is generated)
        raise _Refused(
            f"couldn't open import {json.dumps(rel)}: no match locally or in the Jsonnet library paths"
        )

    def _shown(self, path: Path) -> str:
        root = self.evaluation.root
        return str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)


class _Refused(RuntimeError):
    """An import kfkit's importer refused; its message is the whole story."""


_LOCATION = re.compile(r"^\s*(?P<file>[^\s:][^:]*):(?:\(\d+:\d+\)-\(\d+:\d+\)|\d+:\d+(?:-\d+)?)")
"""``file:3:5``, ``file:3:5-9`` or ``file:(3:5)-(4:2)``: the engine's positions."""
_START = re.compile(r"^(?P<file>[^\s:][^:]*):\(?(?P<line>\d+):(?P<column>\d+)")


def _render_error(message: str, root: Path | None) -> RenderError:
    """Make the engine's multi-line message one line: ``where: what``, stack kept apart."""
    from kfkit import _natives

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

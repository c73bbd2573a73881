"""Lossless edits of params files: parse, change only the edited bytes, verify, write atomically.

Every edit runs under the app's lock and re-reads the file. Before anything is written the
new text must parse, and a :class:`Check` evaluates the edited file *in memory* (the evaluator
serves the new text in place of the file): the whole evaluated object must equal the old one
plus exactly the edit. Only then is the file replaced (temp file + rename), so a concurrent
reader, a failed check or a Ctrl-C never sees or leaves an unverified edit. A symlinked params
file is edited where it points (inside the app), the link kept.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kfkit._atomic import replace_file
from kfkit._types import JsonValue
from kfkit.app import (
    DEFAULT_LOCK_TIMEOUT,
    AppDir,
    Component,
    cache_dir,
    locked,
    remove_stale_temps,
    write_atomic,
)
from kfkit.errors import KfkitError, ParamsError, UsageError

if TYPE_CHECKING:
    from kfkit.jsonnet import Outline  # imported where a large file needs it: a small one never does
from kfkit.jsonnet import Document, ObjectRef

__all__ = [
    "Check",
    "LockOptions",
    "add_component_params",
    "edit_file",
    "remembered_outline",
    "remove_component_params",
]

Edit = Callable[[Document], str]
Overrides = Mapping[Path, str]


class Check(NamedTuple):
    """How to verify an edit: evaluate the layer, and what the layer must become.

    A NamedTuple, not a frozen dataclass: a fifth of the import cost, paid by every ``param set`` (#12).
    """

    read: Callable[[Overrides], Any]
    """The evaluated layer, with some files' text served from memory."""
    expect: Callable[[Any], Any]
    """The layer as it must be after the edit, made from (a copy of) the layer before it."""
    what: str
    """The edit in words, for the error message."""
    read_object: Callable[[str], Any] | None = None
    """Evaluates the text of one of the file's object literals as the file would. Given when
    the layer is the file's own value with a ``components`` object (module params): an edit
    inside ``components`` of a plain-data file is then checked on the changed object alone."""


@dataclass(frozen=True)
class LockOptions:
    """How long an edit waits for another process's edit, and whom to tell that it waits."""

    timeout: float = DEFAULT_LOCK_TIMEOUT
    on_wait: Callable[[str], None] | None = None


def edit_file(
    app: AppDir,
    path: Path,
    edit: Edit,
    check: Check | None = None,
    lock: LockOptions | None = None,
    *,
    within: str | None = None,
) -> None:
    """Apply ``edit`` to the file at ``path``; written only once parsed and checked.

    ``within`` names the component whose block ``components.<within>`` the edit stays inside
    (strictly: not the block itself): a large file's remembered :class:`Outline` then lets
    only that block be parsed.
    """
    lock = lock or LockOptions()
    where = str(path.relative_to(app.root))
    with locked(app.root, what=where, timeout=lock.timeout, on_wait=lock.on_wait):
        real = path.resolve()
        if not real.is_relative_to(app.root):
            raise ParamsError(f"{where} is a symlink to {real}, outside the app; not editing it")
        remove_stale_temps(real)
        try:
            original = real.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParamsError(f"{where}: not UTF-8 text (byte {exc.start}); not editing it") from exc
        except OSError as exc:
            raise ParamsError(f"{where}: cannot read: {exc.strerror or exc}") from exc
        large = within is not None and len(original) >= OUTLINE_FROM
        outline = remembered_outline(original) if large else None
        made = _edit_in_block(outline, within, original, where, edit)
        if made is None:
            whole = Document(original, where)
            made = whole, edit(whole)
        doc, new = made
        if new == original:
            return
        changed = doc.changed_object(new)
        if changed is None:
            Document(new, where)  # the result must parse before anything is written
        if check is not None and not (changed and _exact_in_place(doc, *changed, check)):
            _verify(where, check, {real: new})
        write_atomic(real, new)
        if large and within is not None:
            from kfkit.jsonnet import Outline

            outline = outline or Outline.of(doc)
            after = outline.after(original, new, within, where) if outline else None
            if after is not None:
                _save_outline(new, after)


OUTLINE_FROM = 64 * 1024
"""Params files smaller than this are parsed whole: that costs less than reading an outline."""
_OUTLINES_KEPT = 8


def _outlines() -> Path:
    return cache_dir() / "params-outlines"


def remembered_outline(text: str) -> Outline | None:
    """The outline remembered for exactly this text, if any (a bad entry is no entry)."""
    from kfkit.jsonnet import Outline

    try:
        return Outline.from_json((_outlines() / _digest(text)).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None


def _save_outline(text: str, outline: Outline) -> None:
    """Remember ``outline`` for ``text``, keeping the few newest: a cache, so failing is fine."""
    directory = _outlines()
    try:
        replace_file(directory / _digest(text), outline.to_json().encode())
        kept = sorted(directory.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in kept[_OUTLINES_KEPT:]:
            stale.unlink()
    except OSError:
        return


def _digest(text: str) -> str:
    import hashlib  # lazy: OpenSSL's ~11 M instructions, only for large files' outlines

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _edit_in_block(
    outline: Outline | None, name: str | None, text: str, where: str, edit: Edit
) -> tuple[Document, str] | None:
    """The edit made on the outline's document of ``name``'s block; None when there is no
    such document or the edit reaches outside the block (then the whole file is parsed)."""
    doc = outline.document(text, where, name) if outline is not None and name is not None else None
    if doc is None or outline is None or name is None:
        return None
    new = edit(doc)
    return (doc, new) if new == text or outline.inside(name, text, new) else None


def _exact_in_place(doc: Document, obj: ObjectRef, new_text: str, check: Check) -> bool:
    """Whether the edit is proven exact by evaluating only the object it changed.

    When everything else in the file is plain data and reaches ``obj`` through plain fields
    (:meth:`~kfkit.jsonnet.Document.data_path`), nothing but ``obj``'s own value can differ,
    and ``obj`` evaluates alone as it does in the file (no ``$``; imports relative to the
    file, no imports). So the layer before and after is the old one with ``obj``'s value before and after
    in place, and comparing those with ``check.expect`` is the whole-layer check, minus
    evaluating 800 unchanged components. False (never an error) sends the edit to the whole
    check, which has the last word and the error message.
    """
    if check.read_object is None:
        return False
    old_text = doc.source[obj.span[0] : obj.span[1]]
    path = doc.data_path(obj)
    if (
        path is None
        or path[:1] != ["components"]
        or any(word in text for word in ("$", "import") for text in (old_text, new_text))
    ):
        return False  # reads the root, or a file (maybe this one: as on disk, not as edited)
    try:
        before, after = check.read_object(old_text), check.read_object(new_text)
    except KfkitError:
        return False
    return bool(check.expect(_nested(path, before)) == _nested(path, after))


def _nested(path: list[str], value: Any) -> Any:
    """``value`` at ``path`` in otherwise empty objects: the part of a layer an edit touches."""
    for key in reversed(path):
        value = {key: value}
    return value


def _verify(where: str, check: Check, overrides: Overrides) -> None:
    before = check.read({})
    after = check.read(overrides)
    expected = check.expect(copy.deepcopy(before))
    if after != expected:
        raise ParamsError(
            f"{where}: {check.what} would not be exact: after the edit {_difference(expected, after)}; "
            "file left unchanged"
        )


def _difference(expected: Any, got: Any, path: str = "") -> str:
    """The first place two evaluated objects differ: ``components.web.port would read "80", not 80``."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got), key=str):
            inner = f"{path}.{key}" if path else str(key)
            if key not in got:
                return f"{inner} would be gone"
            if key not in expected:
                return f"{inner} would be set ({_short(got[key])})"
            if expected[key] != got[key]:
                return _difference(expected[key], got[key], inner)
    return f"{path or 'the file'} would read {_short(got)}, not {_short(expected)}"


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def add_component_params(app: AppDir, component: Component, values: dict[str, JsonValue]) -> None:
    """Add a component's block to its module's params.libsonnet (for ``generate``)."""

    def edit(doc: Document) -> str:
        root = doc.root_object()
        if doc.get(root, ["components", component.local_name]) is not None:
            raise UsageError(f'{doc.filename} already has params for component "{component.local_name}"')
        return doc.set(root, ["components", component.local_name], dict(sorted(values.items())))

    edit_file(app, app.module(component.module).params_file, edit)


def remove_component_params(app: AppDir, component: Component) -> None:
    """Drop a component's params from its module and from every environment's overrides.

    The module's file knows it by its local name, environments by its qualified one.
    """

    def drop(locate: Callable[[Document], ObjectRef], key: str) -> Edit:
        def edit(doc: Document) -> str:
            obj = locate(doc)
            if doc.get(obj, ["components", key]) is None:
                return doc.source
            return doc.delete(obj, ["components", key])

        return edit

    module = app.module(component.module)
    edit_file(app, module.params_file, drop(lambda d: d.root_object(), component.local_name))
    for env in app.spec.all_environments():
        path = app.env_dir(env) / "params.libsonnet"
        if path.is_file():
            try:
                edit_file(app, path, drop(lambda d: d.local_object("envParams"), component.name))
            except ParamsError:
                continue  # a hand-written env file without ksonnet's shape holds no block to drop

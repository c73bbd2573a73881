"""Lossless edits of params files: parse, change only the edited bytes, verify, write atomically.

Every edit runs under the app's lock, re-reads the file, and is checked after the
change (the new text must parse, and ``verify`` must accept it) before it replaces the
file, so a failed or concurrent edit never loses bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kfkit._types import JsonValue
from kfkit.app import AppDir, locked, write_atomic
from kfkit.errors import ParamsError, UsageError
from kfkit.jsonnet import Document, ObjectRef

__all__ = ["add_component_params", "edit_file", "remove_component_params"]

Edit = Callable[[Document], str]


def edit_file(app: AppDir, path: Path, edit: Edit, verify: Callable[[], None] | None = None) -> None:
    """Apply ``edit`` to the file at ``path``; on any failure the original bytes stay."""
    with locked(app.root):
        original = path.read_text(encoding="utf-8")
        where = str(path.relative_to(app.root))
        new = edit(Document(original, where))
        if new == original:
            return
        Document(new, where)  # the result must parse before anything is written
        write_atomic(path, new)
        if verify is None:
            return
        try:
            verify()
        except Exception:
            write_atomic(path, original)
            raise


def add_component_params(app: AppDir, component: str, values: dict[str, JsonValue]) -> None:
    """Add a component's block to components/params.libsonnet (for ``generate``)."""

    def edit(doc: Document) -> str:
        root = doc.root_object()
        if doc.get(root, ["components", component]) is not None:
            raise UsageError(f'{doc.filename} already has params for component "{component}"')
        return doc.set(root, ["components", component], dict(sorted(values.items())))

    edit_file(app, app.params_file, edit)


def remove_component_params(app: AppDir, component: str) -> None:
    """Drop a component's params from the app and from every environment's overrides."""

    def drop(locate: Callable[[Document], ObjectRef]) -> Edit:
        def edit(doc: Document) -> str:
            obj = locate(doc)
            if doc.get(obj, ["components", component]) is None:
                return doc.source
            return doc.delete(obj, ["components", component])

        return edit

    edit_file(app, app.params_file, drop(lambda d: d.root_object()))
    for env in app.spec.environments:
        path = app.env_dir(env) / "params.libsonnet"
        if path.is_file():
            try:
                edit_file(app, path, drop(lambda d: d.local_object("envParams")))
            except ParamsError:
                continue  # a hand-written env file without ksonnet's shape holds no block to drop

"""``param set/delete/list/diff``: which file a param lives in, editing it, and reading it back.

Where an edit goes (ksonnet's layout, DESIGN §4):

=================  ==========================================  ==================================
form               file                                        object path
=================  ==========================================  ==================================
component          components/params.libsonnet                 components.<component>.<key>
global             components/params.libsonnet                 global.<key>
component, --env   environments/<env>/params.libsonnet         envParams: components+.<component>+.<key>
global, --env      environments/<env>/globals.libsonnet        <key>
=================  ==========================================  ==================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kfkit._types import JsonValue
from kfkit.app import AppDir
from kfkit.errors import ParamsError, UsageError
from kfkit.jsonnet import Document, ObjectRef
from kfkit.params._resolve import app_params, env_globals, module_params, resolve_params
from kfkit.params._store import edit_file
from kfkit.params._values import parse_key

__all__ = [
    "ParamDiff",
    "ParamRow",
    "ParamTarget",
    "delete_param",
    "diff_params",
    "list_params",
    "set_param",
]

_MISSING = object()


@dataclass(frozen=True)
class ParamTarget:
    """Where one param lives: a file, the object in it, and the path below that object."""

    path: Path
    locate: Callable[[Document], ObjectRef]
    keys: list[str]
    plus: bool
    read: Callable[[], Any]
    """Evaluates the layer the file defines, for verifying an edit."""

    @classmethod
    def of(cls, app: AppDir, component: str | None, key: str, env: str | None) -> ParamTarget:
        keys = parse_key(key)
        if component is not None:
            app.component(component)
        if env is not None:
            app.env(env)
        if env is None:
            prefix = ["components", component] if component else ["global"]
            return cls(
                app.params_file,
                Document.root_object,
                [*prefix, *keys],
                False,
                lambda: module_params(app, None),
            )
        env_dir = app.env_dir(env)
        if component is None:
            globals_file = env_dir / "globals.libsonnet"
            return cls(
                globals_file,
                Document.root_object,
                keys,
                False,
                lambda: env_globals(app, env),
            )
        return cls(
            env_dir / "params.libsonnet",
            lambda doc: doc.local_object("envParams"),
            ["components", component, *keys],
            True,
            lambda: {"components": resolve_params(app, env)},
        )


def set_param(
    app: AppDir, component: str | None, key: str, value: JsonValue, *, env: str | None = None
) -> Path:
    """Set one param, changing only the bytes of its value (or inserting one field)."""
    target = ParamTarget.of(app, component, key, env)

    def verify() -> None:
        got = _lookup(target.read(), target.keys)
        if got is _MISSING or (got != value and not _shadowed(app, target, env)):
            raise ParamsError(
                f"{_where(app, target)}: after the edit {key} reads {_show(got)}, not {_show(value)}; "
                "file left unchanged"
            )

    edit_file(
        app,
        target.path,
        lambda doc: doc.set(target.locate(doc), target.keys, value, plus=target.plus),
        verify,
    )
    return target.path


def delete_param(app: AppDir, component: str | None, key: str, *, env: str | None = None) -> Path:
    """Remove one param (its field and comma), leaving every other byte as it was."""
    target = ParamTarget.of(app, component, key, env)

    def edit(doc: Document) -> str:
        obj = target.locate(doc)
        if doc.get(obj, target.keys) is None:
            owner = f"component {component!r}" if component else "the globals"
            raise UsageError(f"{_where(app, target)}: {owner} has no param {key!r}")
        return doc.delete(obj, target.keys)

    def verify() -> None:
        # Env overrides sit over lower layers, which may still hold the key: there the
        # check is only that the file still evaluates.
        layer = target.read()
        if not target.plus and _lookup(layer, target.keys) is not _MISSING:
            raise ParamsError(
                f"{_where(app, target)}: after the edit {key} is still set; file left unchanged"
            )

    edit_file(app, target.path, edit, verify)
    return target.path


def _shadowed(app: AppDir, target: ParamTarget, env: str | None) -> bool:
    """Env globals win over env component params: such an edit is kept but not visible."""
    return target.plus and env is not None and target.keys[2] in env_globals(app, env)


@dataclass(frozen=True)
class ParamRow:
    component: str
    param: str
    value: Any
    source: str


def list_params(app: AppDir, component: str | None = None, *, env: str | None = None) -> list[ParamRow]:
    """Top-level params per component, with the file (layer) each value comes from."""
    if component is not None:
        app.component(component)
    globals_ = module_params(app, env).get("global") or {}
    base = app_params(app, env)
    effective = base if env is None else resolve_params(app, env)
    env_global_params = env_globals(app, env) if env else {}

    def rel(path: Path) -> str:
        return str(path.relative_to(app.root))

    rows = []
    for comp in sorted(effective):
        if component is not None and comp != component:
            continue
        for param in sorted(effective[comp]):
            value = effective[comp][param]
            if env and param in env_global_params:
                source = rel(app.env_dir(env) / "globals.libsonnet")
            elif env and base.get(comp, {}).get(param, _MISSING) != value:
                source = rel(app.env_dir(env) / "params.libsonnet")
            elif param in globals_:
                source = "global"
            else:
                source = rel(app.params_file)
            rows.append(ParamRow(comp, param, value, source))
    return rows


@dataclass(frozen=True)
class ParamDiff:
    component: str
    param: str
    left: Any
    right: Any


def diff_params(app: AppDir, env1: str, env2: str, *, component: str | None = None) -> list[ParamDiff]:
    """Params that differ between two environments: changed, then only-left, then only-right."""
    if component is not None:
        app.component(component)
    left, right = resolve_params(app, env1), resolve_params(app, env2)
    changed: list[ParamDiff] = []
    only_left: list[ParamDiff] = []
    only_right: list[ParamDiff] = []
    for comp in sorted(set(left) | set(right)):
        if component is not None and comp != component:
            continue
        a, b = left.get(comp, {}), right.get(comp, {})
        for param in sorted(set(a) | set(b)):
            va, vb = a.get(param, _MISSING), b.get(param, _MISSING)
            if va == vb:
                continue
            row = ParamDiff(comp, param, None if va is _MISSING else va, None if vb is _MISSING else vb)
            (only_right if va is _MISSING else only_left if vb is _MISSING else changed).append(row)
    return changed + only_left + only_right


def _lookup(value: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _where(app: AppDir, target: ParamTarget) -> str:
    return str(target.path.relative_to(app.root))


def _show(value: Any) -> str:
    return "nothing" if value is _MISSING else repr(value)

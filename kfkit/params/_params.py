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

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from kfkit._types import JsonValue
from kfkit.app import AppDir, Module
from kfkit.errors import UsageError
from kfkit.jsonnet import Document, ObjectRef
from kfkit.params._resolve import (
    Overrides,
    app_params,
    env_globals,
    evaluate_part,
    module_params,
    resolve_params,
)
from kfkit.params._store import Check, LockOptions, edit_file
from kfkit.params._values import parse_key

__all__ = [
    "LockOptions",
    "ParamDiff",
    "ParamRow",
    "ParamTarget",
    "delete_param",
    "diff_params",
    "list_params",
    "set_param",
]

_MISSING = object()


class ParamTarget(NamedTuple):
    """Where one param lives: a file, the object in it, and the path below that object.

    A NamedTuple, not a frozen dataclass: a fifth of the import cost, paid by every ``param set`` (#12).
    """

    path: Path
    locate: Callable[[Document], ObjectRef]
    keys: list[str]
    plus: bool
    read: Callable[[Overrides], Any]
    """Evaluates the layer the file defines (some files served from memory), to verify an edit."""
    read_object: Callable[[str], Any] | None = None
    """For module params, whose layer is the file's own value: see :class:`Check`."""

    @property
    def block(self) -> str | None:
        """The component whose block of a module params file the edit stays inside, if any."""
        inside = self.read_object is not None and len(self.keys) > 2 and self.keys[0] == "components"
        return self.keys[1] if inside else None

    @classmethod
    def of(cls, app: AppDir, component: str | None, key: str, env: str | None) -> ParamTarget:
        keys = parse_key(key)
        owner = app.component(component) if component is not None else None
        if env is not None:
            app.env(env)
        if env is None:
            module = app.module(owner.module) if owner is not None else None
            params_file = app.params_file if module is None else module.params_file
            return cls(
                params_file,
                Document.root_object,
                ["components", owner.local_name, *keys] if owner is not None else ["global", *keys],
                False,
                lambda overrides: module_params(app, None, overrides, module),
                lambda text: evaluate_part(app, params_file, text),
            )
        env_dir = app.env_dir(env)
        if owner is None:
            globals_file = env_dir / "globals.libsonnet"
            return cls(
                globals_file,
                Document.root_object,
                keys,
                False,
                lambda overrides: env_globals(app, env, overrides),
            )
        # Every module: an override of a component the environment does not target is still exact.
        return cls(
            env_dir / "params.libsonnet",
            lambda doc: doc.local_object("envParams"),
            ["components", owner.name, *keys],
            True,
            lambda overrides: {
                "components": resolve_params(app, env, overrides=overrides, modules=app.modules())
            },
        )


def set_param(
    app: AppDir,
    component: str | None,
    key: str,
    value: JsonValue,
    *,
    env: str | None = None,
    lock: LockOptions | None = None,
) -> Path:
    """Set one param, changing only the bytes of its value (or inserting one field).

    Verified before it is written: the file's whole evaluated layer must equal the old one
    with exactly this key set to ``value``.
    """
    target = ParamTarget.of(app, component, key, env)
    check = Check(
        target.read, lambda old: _set_in(old, target.keys, value), f"setting {key}", target.read_object
    )
    edit_file(
        app,
        target.path,
        lambda doc: doc.set(target.locate(doc), target.keys, value, plus=target.plus),
        check,
        lock,
        within=target.block,
    )
    return target.path


def delete_param(
    app: AppDir,
    component: str | None,
    key: str,
    *,
    env: str | None = None,
    lock: LockOptions | None = None,
) -> Path:
    """Remove one param (its field and comma), leaving every other byte as it was.

    Verified before it is written: the layer must lose exactly this key (an environment's
    override falls back to the value below it).
    """
    target = ParamTarget.of(app, component, key, env)

    def edit(doc: Document) -> str:
        obj = target.locate(doc)
        if doc.get(obj, target.keys) is None:
            owner = f"component {component!r}" if component else "the globals"
            raise UsageError(f"{_where(app, target)}: {owner} has no param {key!r}")
        return doc.delete(obj, target.keys)

    def expect(old: Any) -> Any:
        below = {"components": app_params(app, env)} if target.plus and env is not None else {}
        fallback = _lookup(below, target.keys)
        if fallback is _MISSING:
            return _delete_in(old, target.keys)
        return _set_in(old, target.keys, copy.deepcopy(fallback))

    check = Check(target.read, expect, f"deleting {key}", target.read_object)
    edit_file(app, target.path, edit, check, lock, within=target.block)
    return target.path


def _set_in(value: Any, keys: list[str], new: Any) -> Any:
    """``value`` with ``keys`` set to ``new`` (non-objects on the way become objects)."""
    node = value
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[keys[-1]] = new
    return value


def _delete_in(value: Any, keys: list[str]) -> Any:
    parent = _lookup(value, keys[:-1])
    if isinstance(parent, dict):
        parent.pop(keys[-1], None)
    return value


@dataclass(frozen=True)
class ParamRow:
    component: str
    param: str
    value: Any
    source: str


def list_params(
    app: AppDir,
    component: str | None = None,
    *,
    env: str | None = None,
    module: str | None = None,
    without_modules: bool = False,
) -> list[ParamRow]:
    """Top-level params per component, with the file (layer) each value comes from.

    Without ``env``, every module's components; with it, those of the modules it renders;
    with ``module``, only that module's. ``without_modules`` (needs ``env``) leaves the
    modules' params files out, as ksonnet's ``param list --without-modules``: only what the
    environment's params.libsonnet and globals.libsonnet set.
    """
    if without_modules and env is None:
        raise UsageError(
            "--without-modules lists what an environment's own files set: name the environment (--env)"
        )
    if component is not None:
        app.component(component)
    modules = app.modules() if env is None else app.env_modules(env)
    if module is not None:
        only = app.module(module).name
        modules = [m for m in modules if m.name == only]
    if without_modules:
        owners: dict[str, tuple[Path, dict[str, Any]]] = {}
        base: dict[str, dict[str, Any]] = {}
    else:
        owners = _owners(app, env, modules)
        base = app_params(app, env, modules)
    effective = (
        base if env is None else resolve_params(app, env, modules=modules, inherited=not without_modules)
    )
    env_global_params = env_globals(app, env) if env else {}
    # The environment's file may override components of modules not listed: not theirs to show.
    hidden = _of_other_modules(app, modules) if env else set()

    def rel(path: Path) -> str:
        return str(path.relative_to(app.root))

    rows = []
    for comp in sorted(effective):
        if (component is not None and comp != component) or comp in hidden:
            continue
        params_file, globals_ = owners.get(comp, (app.params_file, {}))
        for param in sorted(effective[comp]):
            value = effective[comp][param]
            if env and param in env_global_params:
                source = rel(app.env_dir(env) / "globals.libsonnet")
            elif env and base.get(comp, {}).get(param, _MISSING) != value:
                source = rel(app.env_dir(env) / "params.libsonnet")
            elif param in globals_:
                source = "global"
            else:
                source = rel(params_file)
            rows.append(ParamRow(comp, param, value, source))
    return rows


def _owners(app: AppDir, env: str | None, modules: list[Module]) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each component's module params file and that module's ``global`` object."""
    owners = {}
    for each in modules:
        layer = module_params(app, env, module=each)
        for local in layer["components"]:
            owners[each.qualify(local)] = (each.params_file, layer.get("global") or {})
    return owners


def _of_other_modules(app: AppDir, modules: list[Module]) -> set[str]:
    """The components of every module not in ``modules``."""
    listed = {m.name for m in modules}
    return {c.name for c in app.components() if c.module not in listed}


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
    left, right = (_rendered_params(app, env) for env in (env1, env2))
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


def _rendered_params(app: AppDir, env: str) -> dict[str, dict[str, Any]]:
    """``env``'s effective params of the components it renders (as ``list_params`` lists them)."""
    modules = app.env_modules(env)
    hidden = _of_other_modules(app, modules)
    return {c: v for c, v in resolve_params(app, env, modules=modules).items() if c not in hidden}


def _lookup(value: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _where(app: AppDir, target: ParamTarget) -> str:
    return str(target.path.relative_to(app.root))

"""Evaluate params files into each component's effective params for an environment.

ksonnet's precedence, lowest first: the component's entry in its module's params.libsonnet
(components/params.libsonnet for the root module), that module's ``global`` object
(merge-patched over it), the environment's overrides (environments/<env>/params.libsonnet,
keyed by qualified name: ``"db.redis"+: {…}``), the environment's globals.libsonnet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from kfkit.app import ROOT_MODULE, AppDir, Module
from kfkit.app._layout import BUILTIN, ENVIRONMENTS
from kfkit.errors import KfkitError, ParamsError
from kfkit.evaluator import Evaluation, evaluate_file, evaluate_snippet

__all__ = [
    "app_params",
    "env_globals",
    "environment_ext",
    "evaluate_part",
    "global_keys",
    "is_template",
    "module_params",
    "resolve_params",
]


def environment_ext(app: AppDir, env: str | None) -> str:
    """The ``__ksonnet/environments`` ext var: the environment's server and namespace."""
    if env is None:
        return json.dumps({"server": "", "namespace": ""})
    dest = app.env(env).destination
    return json.dumps({"server": dest.server, "namespace": dest.namespace})


# std.mergePatch(t, {}) is a shallow copy of t's visible fields: spelled as one, it skips
# mergePatch's set arithmetic for every component when there are no globals (the usual case).
_MERGE_GLOBALS = """(
local p = import %(file)s;
assert std.isObject(p) && std.objectHas(p, "components") && std.isObject(p.components) :
  %(message)s;
local g = if std.objectHas(p, "global") then p.global else {};
local merge(t) =
  if g == {} && std.isObject(t) then { [k]: t[k] for k in std.objectFields(t) }
  else std.mergePatch(t, g);
{ [%(key)s]: merge(p.components[c]) for c in std.objectFields(p.components) }
)"""

# Only the named components' entries, so the others are never evaluated (``show -c``).
_SELECT = """
local p = import %s;
{ components: { [c]: p.components[c] for c in %s if std.objectHas(p.components, c) } }
"""


Overrides = Mapping[Path, str]
"""Files whose text is served from memory: an edit is evaluated before it is written."""
_NONE: Overrides = {}


def module_params(
    app: AppDir, env: str | None, overrides: Overrides = _NONE, module: Module | None = None
) -> dict[str, Any]:
    """A module's params.libsonnet (default: the root's) as evaluated: ``{global: …, components: …}``."""
    path = app.params_file if module is None else module.params_file
    value = evaluate_file(path, _evaluation(app, env, {}, overrides))
    _components(app, path, value)
    return cast(dict[str, Any], value)


def evaluate_part(app: AppDir, path: Path, text: str) -> Any:
    """``text``, a part of the params file at ``path``, evaluated as that file would evaluate it."""
    return evaluate_snippet(str(path), text, _evaluation(app, None, {}))


def _merged(app: AppDir, modules: Sequence[Module]) -> str:
    """Jsonnet: every component's params with its module's globals merge-patched over them.

    Keyed by qualified name (``db.redis``), as ksonnet handed them to the environment's
    params file: so an environment overrides a module's component as ``"db.redis"+: {…}``.
    """
    layers = []
    for module in modules:
        where = module.params_file.relative_to(app.root)
        message = json.dumps(f"{where} must evaluate to an object with a `components` object")
        key = "c" if module.name == ROOT_MODULE else f"{json.dumps(module.name + '.')} + c"
        layers.append(
            _MERGE_GLOBALS % {"file": json.dumps(str(module.params_file)), "message": message, "key": key}
        )
    return "{ components: " + (" + ".join(layers) or "{}") + " }"


def _stubs(app: AppDir, modules: Sequence[Module]) -> str:
    """Jsonnet: an empty params object for every component of ``modules``, by qualified name.

    The modules' params files are not read, so an environment's own layer shows (and lists)
    even when a module's file is broken.
    """
    return json.dumps({"components": {c.name: {} for c in app.components(modules)}})


def app_params(
    app: AppDir, env: str | None, modules: Sequence[Module] | None = None
) -> dict[str, dict[str, Any]]:
    """Each component's params with its module's globals merge-patched over them (no env overrides).

    ``modules`` defaults to every module of the app.
    """
    code = _merged(app, app.modules() if modules is None else modules)
    return _components(
        app, app.params_file, evaluate_snippet("<app params>", code, _evaluation(app, env, {}))
    )


def resolve_params(
    app: AppDir,
    env: str,
    components: Sequence[str] | None = None,
    overrides: Overrides = _NONE,
    modules: Sequence[Module] | None = None,
    *,
    inherited: bool = True,
) -> dict[str, dict[str, Any]]:
    """Every component's effective params in ``env``, keyed by qualified name.

    ``modules`` defaults to those the environment renders (its targets). With
    ``components``, only those entries are evaluated (and returned). Without ``inherited``,
    each component's module params are an empty object, as ksonnet's ``param list
    --without-modules`` stubbed them: what is left is what the environment's files set.
    """
    modules = app.env_modules(env) if modules is None else modules
    merged = _merged(app, modules) if inherited else _stubs(app, modules)
    env_file = app.env_dir(env) / "params.libsonnet"
    evaluation = _evaluation(app, env, {"__ksonnet/params": merged}, overrides)
    # Not while an edit is checked: its files are served from memory, not what is on disk.
    root_only = [m.name for m in modules] == [ROOT_MODULE]
    plain = (
        _as_written(app, env) if components is None and not overrides and root_only and inherited else None
    )
    if plain is not None:
        return plain
    if components is None:
        value = evaluate_file(env_file, evaluation)
    else:
        code = _SELECT % (json.dumps(str(env_file)), json.dumps(list(components)))
        value = evaluate_snippet(str(env_file), code, evaluation)
    return _components(app, env_file, value)


def is_template(app: AppDir, env: str, name: str) -> bool:
    """Whether the environment's file ``name`` is, byte for byte, what ``kfkit env add`` wrote."""
    try:
        return (app.env_dir(env) / name).read_bytes() == (BUILTIN / ENVIRONMENTS / name).read_bytes()
    except OSError:
        return False


def _as_written(app: AppDir, env: str) -> dict[str, dict[str, Any]] | None:
    """Every component's params straight from the root module's params file, when nothing merges.

    With the environment's params.libsonnet and globals.libsonnet as kfkit writes them (no
    overrides, no globals) and no app ``global``, the layers above the module file copy each
    component's entry unchanged (a non-object entry becomes ``{}``, as ``std.mergePatch`` makes
    it): evaluating the file alone gives the same params for half the engine's work. None when
    that does not hold, or the file fails (the whole resolution then says why, as it always did).
    """
    if not (is_template(app, env, "params.libsonnet") and is_template(app, env, "globals.libsonnet")):
        return None
    try:
        value = module_params(app, env)
    except KfkitError:
        return None
    if "components" not in value or value.get("global", {}) != {}:
        return None
    return {c: v if isinstance(v, dict) else {} for c, v in value["components"].items()}


def _components(app: AppDir, path: Path, value: Any) -> dict[str, dict[str, Any]]:
    components = value.get("components", {}) if isinstance(value, dict) else None
    if not isinstance(components, dict):
        raise ParamsError(f"{path.relative_to(app.root)}: expected an object with a `components` object")
    return components


def env_globals(app: AppDir, env: str, overrides: Overrides = _NONE) -> dict[str, Any]:
    """environments/<env>/globals.libsonnet as evaluated (``{}`` when the file is absent)."""
    path = app.env_dir(env) / "globals.libsonnet"
    if not path.is_file():
        return {}
    value = evaluate_file(path, _evaluation(app, env, {}, overrides))
    if not isinstance(value, dict):
        raise ParamsError(f"{path.relative_to(app.root)}: expected an object")
    return value


def global_keys(app: AppDir, env: str, module: Module | None = None) -> set[str]:
    """Params every component of ``module`` (default: the root) gets from its or the env's globals."""
    module_globals = module_params(app, env, module=module).get("global") or {}
    return set(module_globals) | set(env_globals(app, env))


def _evaluation(
    app: AppDir, env: str | None, ext_codes: dict[str, str], overrides: Overrides = _NONE
) -> Evaluation:
    codes = {"__ksonnet/environments": environment_ext(app, env), **ext_codes}
    return Evaluation(
        jpath=app.jpath(env),
        ext_codes=codes,
        root=app.root,
        confine=app.import_roots,
        overrides=overrides,
    )

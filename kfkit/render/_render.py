"""Render an environment: params, then one evaluation of main.jsonnet for the whole selection.

ksonnet evaluated every component on every render and embedded re-printed component
source; kfkit builds the components document from ``import`` expressions, so only the
selected components are evaluated, relative imports keep working, and errors point at
the component's own file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kfkit._types import JsonValue, Obj
from kfkit.app import AppDir, Component
from kfkit.errors import RenderError, UsageError
from kfkit.evaluator import Evaluation, evaluate_file
from kfkit.ksonnetlib import ensure_ksonnet_lib
from kfkit.manifests import extract, sort_objects, upgrade_apis
from kfkit.params import environment_ext, global_keys, resolve_params
from kfkit.render._deps import PARAMS_VAR, dependencies

__all__ = ["RenderOptions", "render"]


@dataclass(frozen=True)
class RenderOptions:
    """What ``show``/``diff``/``apply`` pass through to Jsonnet (-J, -V, -A), and API upgrades."""

    jpath: Sequence[Path] = ()
    ext_strs: Mapping[str, str] = field(default_factory=dict)
    tla_strs: Mapping[str, str] = field(default_factory=dict)
    upgrade_apis: bool | None = None
    """Rewrite objects of removed Kubernetes APIs to their successors; None: as the environment says."""


def render(
    app: AppDir,
    env: str,
    *,
    components: Sequence[str] = (),
    options: RenderOptions | None = None,
) -> list[Obj]:
    """The environment's objects (only those of ``components`` when given), in ksonnet's order."""
    options = options or RenderOptions()
    _refuse_module_targets(app, env)
    selected = [app.component(name) for name in dict.fromkeys(components)] if components else app.components()
    jpath = [*options.jpath, *app.jpath(env)]
    params = resolve_params(app, env, _params_needed(selected, jpath) if components else None)
    evaluation = Evaluation(
        jpath=jpath,
        # Params go as a string the engine parses as JSON: far cheaper than Jsonnet code.
        ext_strs={**options.ext_strs, _PARAMS_JSON: json.dumps({"components": params})},
        ext_codes={
            "__ksonnet/environments": environment_ext(app, env),
            PARAMS_VAR: f"std.parseJson(std.extVar({json.dumps(_PARAMS_JSON)}))",
            "__ksonnet/components": _components_document(app, env, selected, params),
        },
        tla_strs=options.tla_strs,
        root=app.root,
    )
    rendered = _evaluate_main(app, env, evaluation)
    objects = extract(rendered, components={c.name: str(c.path) for c in selected})
    if options.upgrade_apis or (options.upgrade_apis is None and app.env(env).upgrade_apis):
        objects, _ = upgrade_apis(objects)
    return sort_objects(objects)


_KSONNET_LIB_IMPORT = re.compile(r"couldn't open import \"(k|k8s)\.libsonnet\"")


def _evaluate_main(app: AppDir, env: str, evaluation: Evaluation) -> JsonValue:
    """Evaluate main.jsonnet; generate the ksonnet-lib it imports when that is missing (once).

    Generating only on demand keeps apps that never import ``k.libsonnet`` free of it.
    """
    main = app.env_dir(env) / "main.jsonnet"
    try:
        return evaluate_file(main, evaluation)
    except RenderError as exc:
        if not _KSONNET_LIB_IMPORT.search(str(exc)) or not ensure_ksonnet_lib(app, env):
            raise
    return evaluate_file(main, evaluation)


def _refuse_module_targets(app: AppDir, env: str) -> None:
    """An environment whose ``targets`` name modules must not silently get the root components."""
    targets = app.env(env).extra.get("targets") or []
    modules = [str(t) for t in targets if str(t).strip("/")]
    if modules:
        raise UsageError(
            f'environment "{env}" targets modules ({", ".join(modules)}), which kfkit cannot render yet; '
            "remove `targets` from app.yaml to render the components in components/"
        )


_PARAMS_JSON = "__kfkit/params.json"


def _params_needed(selected: Sequence[Component], jpath: Sequence[Path]) -> list[str] | None:
    """The components whose params the selection can read; None when that may be any."""
    for component in selected:
        if component.kind == "jsonnet":
            deps = dependencies(component.path, component.name, jpath)
            if not (deps.exact and deps.own_params_only):
                return None
    return [c.name for c in selected]


def _components_document(
    app: AppDir, env: str, selected: Sequence[Component], params: Mapping[str, object]
) -> str:
    """Jsonnet source of ``{name: <component value>}`` for the selected components only."""
    fields = []
    shared: set[str] | None = None
    for component in selected:
        if component.kind == "jsonnet":
            value = f"import {json.dumps(str(component.path))}"
        else:
            shared = global_keys(app, env) if shared is None else shared
            value = _data_component(app, component, params.get(component.name), shared)
        fields.append(f"  {json.dumps(component.name)}: {value},\n")
    return "{\n" + "".join(fields) + "}\n"


def _data_component(app: AppDir, component: Component, params: object, shared: set[str]) -> str:
    """A YAML/JSON component with its params merge-patched on (ksonnet's data components).

    Globals reach every component, but a global that is not a field of the object would
    become a bogus top-level field (ksonnet bug #815): those are left out.
    """
    where = component.path.relative_to(app.root)
    try:
        docs = [
            d
            for d in yaml.load_all(component.path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            if d is not None
        ]
    except (OSError, yaml.YAMLError) as exc:
        raise RenderError(f"{where}: cannot read: {str(exc).splitlines()[0]}") from exc
    if len(docs) == 1 and isinstance(docs[0], dict) and isinstance(params, dict):
        params = {k: v for k, v in params.items() if k in docs[0] or k not in shared}
    if len(docs) == 1:
        value = json.dumps(docs[0])
        return (
            f"std.mergePatch({value}, {json.dumps(params)})" if isinstance(params, dict) and params else value
        )
    if params:
        raise UsageError(
            f"{where}: params apply only to single-document components, this one has {len(docs)}"
        )
    return json.dumps(docs)

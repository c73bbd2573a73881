"""Render an environment: params, then the selected components, then main.jsonnet.

ksonnet evaluated every component on every render and embedded re-printed component
source; kfkit builds the components document from ``import`` expressions, so only the
selected components are evaluated, relative imports keep working, and errors point at
the component's own file and line.

Where the environment's main.jsonnet and base.libsonnet are kfkit's templates (main's output
is then the components document itself), components are rendered incrementally instead:
each from the render cache when nothing it can see changed, the rest evaluated in parallel
(:mod:`kfkit.render._incremental`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from kfkit._constants import DEFAULT_MAX_OUTPUT
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import JsonValue, Obj
from kfkit._yamllimit import BoundedLoader
from kfkit.app import AppDir, Component
from kfkit.errors import ManifestError, RenderError, UsageError
from kfkit.evaluator import Evaluation, evaluate_file
from kfkit.ksonnetlib import ensure_ksonnet_lib
from kfkit.manifests import extract, sort_objects, upgrade_apis
from kfkit.params import environment_ext, global_keys
from kfkit.render._cache import Store, default_dir
from kfkit.render._deps import ENVIRONMENTS_VAR, PARAMS_VAR, dependencies
from kfkit.render._incremental import component_key, is_template_env, render_components
from kfkit.render._params import cached_params

__all__ = ["DEFAULT_MAX_OUTPUT", "RenderOptions", "render"]


@dataclass(frozen=True)
class RenderOptions:
    """What ``show``/``diff``/``apply`` pass through to Jsonnet (-J, -V, -A), and API upgrades."""

    jpath: Sequence[Path] = ()
    ext_strs: Mapping[str, str] = field(default_factory=dict)
    tla_strs: Mapping[str, str] = field(default_factory=dict)
    upgrade_apis: bool | None = None
    """Rewrite objects of removed Kubernetes APIs to their successors; None: as the environment says."""
    cache: bool = True
    """Reuse and store rendered components in the user's render cache (``--no-cache``: off)."""
    allow_import_outside: bool = False
    """Let Jsonnet import files outside the app, its -J paths and kfkit's built-in files."""
    max_output_bytes: int = DEFAULT_MAX_OUTPUT
    """A render larger than this (as JSON) fails instead of exhausting memory downstream."""
    on_progress: OnProgress | None = field(default=None, compare=False, repr=False)
    """Told how many of the selected components are rendered, as they are (:mod:`kfkit._progress`)."""


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
    for directory in options.jpath:
        if not directory.is_dir():
            raise UsageError(f"-J {directory}: no such directory")
    selected = [app.component(name) for name in dict.fromkeys(components)] if components else app.components()
    ticker = Ticker(options.on_progress, Stage.RENDER, len(selected))
    jpath = [*options.jpath, *app.jpath(env)]
    deps = {c.name: dependencies(c.path, c.name, jpath) for c in selected if c.kind == "jsonnet"}
    own_only = all(d.exact and d.own_params_only for d in deps.values())
    environments = environment_ext(app, env)
    # An unconfined render is never cached: its entries would serve later, confined renders.
    store = Store(default_dir()) if options.cache and not options.allow_import_outside else None
    names = [c.name for c in selected] if components and own_only else None
    params = cached_params(app, env, names, environments, store)
    evaluation = Evaluation(
        jpath=jpath,
        # Params go as a string the engine parses as JSON: far cheaper than Jsonnet code.
        ext_strs={**options.ext_strs, _PARAMS_JSON: json.dumps({"components": params})},
        ext_codes={
            ENVIRONMENTS_VAR: environments,
            PARAMS_VAR: f"std.parseJson(std.extVar({json.dumps(_PARAMS_JSON)}))",
        },
        tla_strs=options.tla_strs,
        root=app.root,
        confine=None if options.allow_import_outside else [*app.import_roots, *options.jpath],
        max_output_bytes=options.max_output_bytes,
    )
    codes = _component_codes(app, env, selected, params)
    main_file = app.env_dir(env) / "main.jsonnet"
    if is_template_env(main_file, jpath):
        ext_strs = options.ext_strs
        keys = {name: component_key(name, d, params, environments, ext_strs) for name, d in deps.items()}
        rendered = _ksonnet_lib_on_demand(
            app, env, lambda: render_components(codes, keys, evaluation, store, on_done=ticker.tick)
        )
    else:
        document = "{\n" + "".join(f"  {json.dumps(n)}: {code},\n" for n, code in codes.items()) + "}\n"
        main = replace(evaluation, ext_codes={**evaluation.ext_codes, "__ksonnet/components": document})
        rendered = _ksonnet_lib_on_demand(app, env, lambda: evaluate_file(main_file, main))
        ticker.tick(len(selected))
    if not isinstance(rendered, dict):
        raise ManifestError(
            f"{main_file.relative_to(app.root)} must evaluate to an object keyed by component, "
            f"not {type(rendered).__name__}"
        )
    # A whole render keeps every key main.jsonnet made, components or not: nothing vanishes.
    only = {c.name: str(c.path) for c in selected} if components else None
    objects = extract(rendered, components=only, default_namespace=app.env(env).destination.namespace)
    if options.upgrade_apis or (options.upgrade_apis is None and app.env(env).upgrade_apis):
        objects, _ = upgrade_apis(objects)
    return sort_objects(objects)


_KSONNET_LIB_IMPORT = re.compile(r"couldn't open import \"(k|k8s)\.libsonnet\"")


def _ksonnet_lib_on_demand(app: AppDir, env: str, evaluate: Callable[[], JsonValue]) -> JsonValue:
    """Evaluate; generate the ksonnet-lib it imports when that is missing (once), and retry.

    Generating only on demand keeps apps that never import ``k.libsonnet`` free of it.
    """
    try:
        return evaluate()
    except RenderError as exc:
        if not _KSONNET_LIB_IMPORT.search(str(exc)) or not ensure_ksonnet_lib(app, env):
            raise
    return evaluate()


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


def _component_codes(
    app: AppDir, env: str, selected: Sequence[Component], params: Mapping[str, object]
) -> dict[str, str]:
    """Each selected component's value as Jsonnet source (an import, or a data component)."""
    codes = {}
    shared: set[str] | None = None
    for component in selected:
        if component.kind == "jsonnet":
            _check_text(app, component)
            codes[component.name] = f"import {json.dumps(str(component.path))}"
        else:
            shared = global_keys(app, env) if shared is None else shared
            codes[component.name] = _data_component(app, component, params.get(component.name), shared)
    return codes


def _check_text(app: AppDir, component: Component) -> str:
    """The component's text; unreadable or not UTF-8 is an error naming it, never a skip."""
    where = component.path.relative_to(app.root)
    try:
        return component.path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RenderError(f"{where}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise RenderError(
            f"{where}: not UTF-8 text (byte {exc.start} is {exc.object[exc.start]:#04x})"
        ) from exc


def _data_component(app: AppDir, component: Component, params: object, shared: set[str]) -> str:
    """A YAML/JSON component with its params merge-patched on (ksonnet's data components).

    Globals reach every component, but a global that is not a field of the object would
    become a bogus top-level field (ksonnet bug #815): those are left out.
    """
    where = component.path.relative_to(app.root)
    try:
        docs = [d for d in yaml.load_all(_check_text(app, component), Loader=BoundedLoader) if d is not None]
    except yaml.YAMLError as exc:
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

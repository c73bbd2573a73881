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
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from kfkit._constants import DEFAULT_MAX_OUTPUT
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import JsonValue, Obj
from kfkit._yamllimit import BoundedLoader
from kfkit.app import ROOT_MODULE, AppDir, Component, Module
from kfkit.errors import KfkitWarning, ManifestError, RenderError, UsageError
from kfkit.evaluator import Evaluation, evaluate_file
from kfkit.manifests import duplicate_message, duplicate_objects, extract, sort_objects, upgrade_apis
from kfkit.params import environment_ext, global_keys
from kfkit.render._cache import Store, default_dir
from kfkit.render._deps import ENVIRONMENTS_VAR, PARAMS_JSON, PARAMS_VAR, Dependencies, dependencies
from kfkit.render._facts import FileIndex
from kfkit.render._incremental import (
    component_key,
    components_document,
    is_template_env,
    render_components,
    sees_own_params_only,
)
from kfkit.render._params import cached_params

__all__ = ["DEFAULT_MAX_OUTPUT", "RenderOptions", "env_params", "render"]

_FEW = 8
"""Components up to which a render reads their small files afresh rather than the index of all."""


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
    processes: bool = True
    """Evaluate many uncached components in worker processes, one per core, each with Go's
    collector tuned for its batches (``GOGC`` in the environment sets it instead); False:
    every evaluation in this process."""
    duplicates: Literal["error", "warn", "keep"] = "error"
    """An object rendered by two components: an error (``apply``, so it never flips between
    owners), a warning with both objects kept (``show``, as ksonnet showed them), or kept
    silently for a caller that reports it itself (``validate``)."""


def env_params(app: AppDir, env: str, options: RenderOptions | None = None) -> dict[str, dict[str, Any]]:
    """Every component's params in ``env``, as a whole render with ``options`` resolves them:
    from the render cache when the render uses it (a moment after a render, no evaluation)."""
    index = _index(app, options or RenderOptions())
    params = cached_params(app, env, None, environment_ext(app, env), index)
    if index is not None:
        index.save()
    return params


def _index(app: AppDir, options: RenderOptions, *, small: bool = True) -> FileIndex | None:
    """The render cache's index of the app's files (of its small files too unless ``small`` is
    false), and through it its store; None: no cache."""
    # An unconfined render is never cached: its entries would serve later, confined renders.
    if not options.cache or options.allow_import_outside:
        return None
    return FileIndex(Store(default_dir()), app.root, small=small)


def render(
    app: AppDir,
    env: str,
    *,
    components: Sequence[str] = (),
    options: RenderOptions | None = None,
) -> list[Obj]:
    """The environment's objects (only those of ``components`` when given), in ksonnet's order."""
    options = options or RenderOptions()
    for directory in options.jpath:
        if not directory.is_dir():
            raise UsageError(f"-J {directory}: no such directory")
    modules = app.env_modules(env)
    selected = (
        [app.env_component(env, name, modules) for name in dict.fromkeys(components)]
        if components
        else app.components(modules)
    )
    ticker = Ticker(options.on_progress, Stage.RENDER, len(selected))
    jpaths = {m.name: [*options.jpath, *app.jpath(env, m.path)] for m in modules}
    index = _index(app, options, small=len(selected) > _FEW)
    store = None if index is None else index.store
    deps = {
        c.name: dependencies(c.path, c.local_name, jpaths[c.module], index)
        for c in selected
        if c.kind == "jsonnet"
    }
    own_only = all(d.exact and d.own_params_only for d in deps.values())
    environments = environment_ext(app, env)
    names = [c.name for c in selected] if components and own_only else None
    params = cached_params(app, env, names, environments, index)
    template = is_template_env(app.env_dir(env) / "main.jsonnet", jpaths[modules[0].name])
    rendered: dict[str, JsonValue] = {}
    # ksonnet rendered each module on its own: its components see only their module's params,
    # by local name, and the module's directory ends the library path.
    for module in modules:
        members = [c for c in selected if c.module == module.name]
        if components and not members:
            continue  # a whole render evaluates main.jsonnet even without components: its own keys count
        local = _module_params(module, modules, params)
        evaluation = Evaluation(
            jpath=jpaths[module.name],
            ext_strs=options.ext_strs,  # and the params, by _seeing
            ext_codes={
                ENVIRONMENTS_VAR: environments,
                PARAMS_VAR: f"std.parseJson(std.extVar({json.dumps(PARAMS_JSON)}))",
            },
            tla_strs=options.tla_strs,
            root=app.root,
            confine=None if options.allow_import_outside else [*app.import_roots, *options.jpath],
            max_output_bytes=options.max_output_bytes,
        )
        rendered.update(
            _render_module(
                app, env, members, local, evaluation, template, deps, store, ticker, options.processes
            )
        )
    if index is not None:
        index.save()
    # A whole render keeps every key main.jsonnet made, components or not: nothing vanishes.
    only = {c.name: str(c.path) for c in selected} if components else None
    namespace = app.env(env).destination.namespace
    keep = options.duplicates != "error"
    objects = extract(rendered, components=only, default_namespace=namespace, allow_duplicates=keep)
    if options.duplicates == "warn":
        for key, owners in duplicate_objects(objects, namespace).items():
            warnings.warn(KfkitWarning(duplicate_message(key, owners)), stacklevel=2)
    if options.upgrade_apis or (options.upgrade_apis is None and app.env(env).upgrade_apis):
        objects, _ = upgrade_apis(objects)
    return sort_objects(objects)


def _render_module(
    app: AppDir,
    env: str,
    members: Sequence[Component],
    params: Mapping[str, JsonValue],
    evaluation: Evaluation,
    template: bool,
    deps: Mapping[str, Dependencies],
    store: Store | None,
    ticker: Ticker,
    processes: bool,
) -> dict[str, JsonValue]:
    """One module's components (keyed by qualified name) through main.jsonnet, or the render cache.

    ``params`` are those the module's components see, by local name; ``processes`` as
    :attr:`RenderOptions.processes`.
    """
    codes = _component_codes(app, env, members, params, deps)
    main_file = app.env_dir(env) / "main.jsonnet"
    if template:
        environments = evaluation.ext_codes[ENVIRONMENTS_VAR]
        keys = {
            c.name: component_key(c.local_name, deps[c.name], params, environments, evaluation.ext_strs)
            for c in members
            if c.name in deps and store is not None  # --no-cache: hashing every closure for nothing
        }
        # The params entry each component reads: its own (by local name), or none (a data
        # component's are in its code); a component not named here may read them all.
        reads: dict[str, str | None] = {c.name: None for c in members if c.kind != "jsonnet"}
        reads |= {
            c.name: c.local_name
            for c in members
            if c.name in deps and sees_own_params_only(deps[c.name], evaluation.ext_strs)
        }

        def evaluation_for(names: Collection[str]) -> Evaluation:
            if not reads.keys() >= set(names):
                return _seeing(evaluation, params)
            return _seeing(
                evaluation, {k: params[k] for n in names if (k := reads[n]) is not None and k in params}
            )

        rendered = _ksonnet_lib_on_demand(
            app,
            env,
            lambda: render_components(
                codes,
                keys,
                evaluation_for,
                store,
                on_done=ticker.tick,
                processes=processes,
                imported=_imported_bytes(members, deps),
            ),
        )
    else:
        document = components_document(codes)
        main = replace(
            _seeing(evaluation, params), ext_codes={**evaluation.ext_codes, "__ksonnet/components": document}
        )
        rendered = _ksonnet_lib_on_demand(app, env, lambda: evaluate_file(main_file, main))
        ticker.tick(len(members))
    if not isinstance(rendered, dict):
        raise ManifestError(
            f"{main_file.relative_to(app.root)} must evaluate to an object keyed by component, "
            f"not {type(rendered).__name__}"
        )
    return rendered


def _imported_bytes(members: Sequence[Component], deps: Mapping[str, Dependencies]) -> int | None:
    """The size of the files the components import, all told (None: not known, as when an
    import was not followed or a file cannot be read)."""
    files: set[Path] = set()
    for c in members:
        if c.name in deps:
            if not deps[c.name].exact:
                return None
            files.update(deps[c.name].files[1:])  # the first is the component itself
    try:
        return sum(f.stat().st_size for f in files)
    except OSError:
        return None


def _seeing(evaluation: Evaluation, params: Mapping[str, JsonValue]) -> Evaluation:
    """``evaluation`` with ``params`` (by local name) as the components' ``__ksonnet/params``.

    They go as a string the engine parses as JSON: far cheaper than Jsonnet code, and the
    fewer entries, the cheaper (all 800 cost 30 ms to parse for one component that reads its own).
    """
    return replace(
        evaluation, ext_strs={**evaluation.ext_strs, PARAMS_JSON: json.dumps({"components": params})}
    )


def _module_params(
    module: Module, modules: Sequence[Module], params: Mapping[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """What a module's components see as ``__ksonnet/params``: its entries, by local name.

    ``params`` is keyed by qualified name; a key belongs to the longest rendered module
    prefixing it (ksonnet's plain prefix match let module ``foo`` take ``foobar.*``).
    """
    if len(modules) == 1 and module.name == ROOT_MODULE:
        return dict(params)
    prefixes = sorted((f"{m.name}." for m in modules if m.name != ROOT_MODULE), key=len, reverse=True)
    own = "" if module.name == ROOT_MODULE else f"{module.name}."
    local = {}
    for key, value in params.items():
        owner = next((p for p in prefixes if key.startswith(p)), "")
        if owner == own:
            local[key[len(own) :]] = value
    return local


_KSONNET_LIB_IMPORT = re.compile(r"couldn't open import \"(k|k8s)\.libsonnet\"")


def _ksonnet_lib_on_demand(app: AppDir, env: str, evaluate: Callable[[], JsonValue]) -> JsonValue:
    """Evaluate; generate the ksonnet-lib it imports when that is missing (once), and retry.

    Generating only on demand keeps apps that never import ``k.libsonnet`` free of it.
    """
    try:
        return evaluate()
    except RenderError as exc:
        if not _KSONNET_LIB_IMPORT.search(str(exc)):
            raise
        # lazy: the generator and its shipped specs (~30 ms of imports) only when a library is missing
        from kfkit.ksonnetlib import ensure_ksonnet_lib

        if not ensure_ksonnet_lib(app, env):
            raise
    return evaluate()


def _component_codes(
    app: AppDir,
    env: str,
    members: Sequence[Component],
    params: Mapping[str, object],
    deps: Mapping[str, Dependencies],
) -> dict[str, str]:
    """Each component's value as Jsonnet source (an import, or a data component).

    ``members`` are one module's; ``params`` what they see, by local name. A component whose
    analysis is exact was read as UTF-8 text just now: only the others are checked again.
    """
    codes = {}
    shared: set[str] | None = None
    for component in members:
        if component.kind == "jsonnet":
            if not deps[component.name].exact:
                _check_text(app, component)
            codes[component.name] = f"import {json.dumps(str(component.path))}"
        else:
            if shared is None:
                shared = global_keys(app, env, app.module(component.module))
            params_ = params.get(component.local_name)
            codes[component.name] = _data_component(app, component, params_, shared)
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

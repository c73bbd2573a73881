"""Incremental rendering: each component's value cached by what it can see, misses in parallel.

A component's value depends on its import closure (by content), the params it can read
(its own entry, or all of them when :mod:`kfkit.render._deps` sees it read others), the
environment's ``__ksonnet/environments``, the ext vars it reads, and the engine. The key is
the sha256 of exactly these, so a change anywhere in them is a miss. Components the
analysis cannot follow are never cached.

Only environments whose main.jsonnet and base.libsonnet are kfkit's untouched templates
render this way: there main's output is the components document itself. An edited main
may read hidden fields or skip components, which cached JSON cannot reproduce; those
environments render in one evaluation as before.

Many misses are evaluated in groups, one worker process per core (:mod:`kfkit._workers`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from kfkit import __version__
from kfkit._types import JsonValue
from kfkit._workers import Job, WorkerFailed, cores, evaluate_in_workers
from kfkit.app import AppDir
from kfkit.app._layout import BUILTIN
from kfkit.evaluator import Evaluation, engine_version, evaluate_snippet
from kfkit.render._cache import Store
from kfkit.render._deps import ENVIRONMENTS_VAR, PARAMS_JSON, PARAMS_VAR, Dependencies, dependencies
from kfkit.render._facts import FileIndex

__all__ = [
    "TEMPLATES",
    "component_key",
    "components_document",
    "digest",
    "is_template_env",
    "params_key",
    "render_components",
    "sees_own_params_only",
]

TEMPLATES = BUILTIN / "environments"
_SCHEMA = "kfkit-render-1"
_MIN_GROUP = 32  # fewer per worker, and starting it costs more than it saves (docs/rendering.md)
_NAME = "<extvar:__ksonnet/components>"
"""What errors call the components document: the ext var it stands in for, as through main."""


def is_template_env(main: Path, jpath: Sequence[Path]) -> bool:
    """main.jsonnet and the base.libsonnet it imports are exactly what ``kfkit init`` wrote."""
    deps = dependencies(main, "", jpath)
    try:
        found = sorted(f.read_bytes() for f in deps.files)
        expected = sorted((TEMPLATES / name).read_bytes() for name in ("main.jsonnet", "base.libsonnet"))
    except OSError:
        return False
    return deps.exact and found == expected


def params_key(
    app: AppDir, env: str, names: Sequence[str] | None, environments: str, index: FileIndex
) -> str | None:
    """The sha256 naming the resolved params of ``names`` (None: all), or None: do not cache."""
    jpath = app.jpath(env)
    contents: list[tuple[str, str]] = []
    # The params files of the modules the environment renders: their paths name the modules.
    for path in (*(m.params_file for m in app.env_modules(env)), app.env_dir(env) / "params.libsonnet"):
        deps = dependencies(path, "", jpath, index)
        if not deps.exact or not deps.ext_vars <= {PARAMS_VAR, ENVIRONMENTS_VAR} or deps.digests is None:
            return None
        contents.extend(deps.digests)
    return digest(["params", contents, environments, names])


def component_key(
    name: str,
    deps: Dependencies,
    params: Mapping[str, JsonValue],
    environments: str,
    ext_strs: Mapping[str, str],
) -> str | None:
    """The sha256 naming this component's value, or None when it must not be cached."""
    known = {PARAMS_VAR, ENVIRONMENTS_VAR, *ext_strs}
    if not deps.exact or not deps.ext_vars <= known or deps.digests is None:
        return None
    return digest(
        [
            name,
            deps.digests,
            params.get(name) if deps.own_params_only else params,
            environments if ENVIRONMENTS_VAR in deps.ext_vars else None,
            {k: ext_strs[k] for k in sorted(deps.ext_vars & set(ext_strs))},
        ]
    )


def sees_own_params_only(deps: Dependencies, ext_strs: Mapping[str, str]) -> bool:
    """Whether the component reads nothing of the params but its own entry (and no other input
    that holds them): evaluated with only that entry, its value is the same."""
    known = {PARAMS_VAR, ENVIRONMENTS_VAR, *ext_strs} - {PARAMS_JSON}
    return deps.exact and deps.own_params_only and deps.ext_vars <= known


def digest(parts: list[object]) -> str:
    """sha256 of the parts with the cache schema, the engine's and kfkit's versions."""
    text = json.dumps([_SCHEMA, engine_version(), __version__, *parts], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def render_components(
    codes: Mapping[str, str],
    keys: Mapping[str, str | None],
    evaluation: Callable[[Collection[str]], Evaluation],
    store: Store | None,
    *,
    on_done: Callable[[int], None] | None = None,
    processes: bool = True,
) -> dict[str, JsonValue]:
    """Each component's value (``codes``: its Jsonnet), from ``store`` where its key is there.

    ``evaluation(names)`` is what evaluating those components together needs: made only for
    the missing ones, it passes the engine no more params than they read.

    ``on_done(n)`` hears how many are done: the cached ones at once, then each evaluated group.
    ``processes``: many missing components may be evaluated in worker processes.
    """
    on_done = on_done or (lambda _: None)
    values: dict[str, JsonValue] = {}
    missing: dict[str, str] = {}
    for name, code in codes.items():
        key = keys.get(name)
        data = store.get(key) if store is not None and key is not None else None
        if data is None:
            missing[name] = code
        else:
            values[name] = json.loads(data)
    on_done(len(values))
    for name, value in _evaluate(missing, evaluation, on_done, processes).items():
        values[name] = value
        key = keys.get(name)
        if store is not None and key is not None:
            store.put(key, json.dumps(value).encode())
    if store is not None and store.written:
        store.trim()
    return {name: values[name] for name in sorted(values)}


def _evaluate(
    codes: Mapping[str, str],
    evaluation: Callable[[Collection[str]], Evaluation],
    on_done: Callable[[int], None],
    processes: bool,
) -> dict[str, JsonValue]:
    """One evaluation, or with ``processes`` and enough components, one per core in workers.

    When a worker fails, all the components are evaluated together in this process, so an
    error is the one a single evaluation reports (the first failing component by name),
    whatever the workers did.
    """
    if not codes:
        return {}
    names = sorted(codes)
    most = len(names) // _MIN_GROUP if processes else 1
    count = min(cores(), most) if most > 1 else 1  # cores() reads cgroup files: only when it matters
    values: dict[str, JsonValue] = {}
    if count > 1:
        groups = [{n: codes[n] for n in names[i::count]} for i in range(count)]
        jobs = [Job(_NAME, components_document(group), evaluation(group)) for group in groups]
        try:
            for group in evaluate_in_workers(jobs):
                assert isinstance(group, dict)
                values.update(group)
                on_done(len(group))
            return values
        except WorkerFailed:
            pass
    alone = _evaluate_group(codes, evaluation(codes))
    on_done(len(alone) - len(values))  # what the workers did not report
    return alone


def _evaluate_group(codes: Mapping[str, str], evaluation: Evaluation) -> dict[str, JsonValue]:
    value = evaluate_snippet(_NAME, components_document(codes), evaluation)
    assert isinstance(value, dict)
    return value


def components_document(codes: Mapping[str, str]) -> str:
    """The Jsonnet object of the components keyed by name, as main.jsonnet gets it."""
    return "{\n" + "".join(f"  {json.dumps(n)}: {code},\n" for n, code in codes.items()) + "}\n"

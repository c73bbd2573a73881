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

Many misses are evaluated in groups, one worker process per core (:mod:`kfkit._workers`),
each group in batches of a few dozen components when that parses little again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
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
_BATCH = 50
"""Components per evaluation in a worker: after each, what it built is garbage."""
_BATCH_IMPORTS = 32 * 1024
"""Batches only when the files the components import weigh at most this (bytes): each
evaluation parses them again (358 KB of ksonnet-lib take 0.075 s)."""
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
    imported: int | None = None,
) -> dict[str, JsonValue]:
    """Each component's value (``codes``: its Jsonnet), from ``store`` where its key is there.

    ``evaluation(names)`` is what evaluating those components together needs: made only for
    the missing ones, it passes the engine no more params than they read.

    ``on_done(n)`` hears how many are done: the cached ones at once, then each evaluated group
    (a group is written to ``store`` as soon as it is evaluated, while workers do the rest).
    ``processes``: many missing components may be evaluated in worker processes.
    ``imported``: the bytes of the files the components import, which every evaluation
    parses (None: not known).
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
    batch = _BATCH if imported is not None and imported <= _BATCH_IMPORTS else len(missing)
    for group in _evaluate(missing, evaluation, processes, batch):
        fresh = {name: value for name, value in group.items() if name not in values}
        on_done(len(fresh))
        for name, value in fresh.items():
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
    processes: bool,
    batch: int,
) -> Iterator[dict[str, JsonValue]]:
    """The values of groups of components as they are ready: one evaluation, or with
    ``processes`` and enough components, one worker per core, each evaluating its share
    ``batch`` components at a time.

    When a worker fails, all the components are evaluated together in this process, so an
    error is the one a single evaluation reports (the first failing component by name),
    whatever the workers did; the groups given before are then given again, in that one.
    """
    if not codes:
        return
    names = sorted(codes)
    most = len(names) // _MIN_GROUP if processes else 1
    count = min(cores(), most) if most > 1 else 1  # cores() reads cgroup files: only when it matters
    if count > 1:
        jobs = [
            [
                Job(_NAME, components_document(g), evaluation(g))
                for g in _batches(names[i::count], codes, batch)
            ]
            for i in range(count)
        ]
        try:
            for group in evaluate_in_workers(jobs):
                assert isinstance(group, dict)
                yield group
            return
        except WorkerFailed:
            pass
    yield _evaluate_group(codes, evaluation(codes))


def _batches(names: Sequence[str], codes: Mapping[str, str], size: int) -> list[dict[str, str]]:
    """The codes of ``names``, ``size`` components at a time."""
    return [{n: codes[n] for n in names[i : i + size]} for i in range(0, len(names), size)]


def _evaluate_group(codes: Mapping[str, str], evaluation: Evaluation) -> dict[str, JsonValue]:
    value = evaluate_snippet(_NAME, components_document(codes), evaluation)
    assert isinstance(value, dict)
    return value


def components_document(codes: Mapping[str, str]) -> str:
    """The Jsonnet object of the components keyed by name, as main.jsonnet gets it."""
    return "{\n" + "".join(f"  {json.dumps(n)}: {code},\n" for n, code in codes.items()) + "}\n"

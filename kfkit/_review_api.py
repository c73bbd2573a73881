"""``App.review``: one report of what applying an environment would do, for people to approve.

It gathers what ``diff``, ``param list``, ``validate`` and the history already know: the
render against the cluster (or another environment's render), each component's params with
their source file against the other side's (another environment's, or those recorded by the
last apply), Secrets masked by the diff's own mask, and the exact command that applies it.
Custom resources are validated against the CRDs of the environment's own cluster too (the one
the review is for), also when the render is compared with another environment's cluster.
Against the environment's own cluster it makes apply's pre-flight once: what the server
refuses (a removed API, an invalid field, another owner) is reported, not raised, so one
bad object never hides the rest of the review.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import partial
from typing import TYPE_CHECKING, Any

from kfkit import __version__
from kfkit._model import Action, ObjectId
from kfkit._progress import OnProgress
from kfkit._types import Obj
from kfkit.deploy import (
    DiffResult,
    SecretMask,
    Side,
    diff_changes,
    diff_sides,
    dry_run_all,
    live_objects,
    prune_candidates,
)
from kfkit.errors import ClusterError, Finding
from kfkit.history import app_commit, list_revisions, now
from kfkit.params import list_params, resolve_params
from kfkit.render import RenderOptions
from kfkit.review import Report
from kfkit.review._build import component_reviews
from kfkit.validate import Code, SchemaCluster, ValidateOptions, ValidationResult, dry_run_findings

if TYPE_CHECKING:
    from kfkit._api import App
    from kfkit.deploy import Cluster, Scope

__all__ = ["apply_command", "review"]

Connect = Callable[[str, str], AbstractContextManager["Cluster"]]
"""Opens a client for an environment's cluster, for a purpose (the CLI's says which and why)."""


def review(
    app: App,
    env: str | None,
    *,
    components: Sequence[str] = (),
    against: str | None = None,
    options: RenderOptions | None = None,
    validate_options: ValidateOptions | None = None,
    connect: Connect,
    on_progress: OnProgress | None = None,
) -> Report:
    """A :class:`~kfkit.review.Report` of ``env`` against ``against`` (default: its cluster)."""
    name = app.dir.resolve_env(env)
    where, other = app._location(against or f"remote:{name}")
    objects = app.render(name, components=components, options=options)
    mask = SecretMask()
    dest = app.dir.env(name).destination
    target = f'server {dest.server or "(none)"}, namespace "{dest.namespace}"'
    refused: dict[ObjectId, str] = {}
    other_params: dict[str, Any] | None
    crds_from = unread = ""
    check = partial(_validate, app, objects, name, components, validate_options)
    if where == "local":
        validation = check(None)
        theirs = app.render(other, components=components, options=options)
        diff = diff_sides(_side(app, "local", name, objects), _side(app, "local", other, theirs), mask=mask)
        other_params = resolve_params(app.dir, other)
    else:
        with connect(other, "comparing with") as client:
            scope = app.scope(other, components=components)
            if other == name:
                target, crds_from = client.target.describe(), _crds_from(client)
                validation = check(client)
                # the server's dry run is apply's own pre-flight, made once
                diff, refused, server = _preflight(objects, client, scope, mask, on_progress)
                validation.merge(server)
                validation.server = True
            else:
                try:  # the CRDs of the cluster this review is for, not of the one compared with
                    with connect(name, "custom resources checked against") as own:
                        target, crds_from = own.target.describe(), _crds_from(own)
                        validation = check(own)
                except ClusterError as exc:
                    unread = str(exc)
                    validation = check(None)
                live = _side(app, "remote", other, live_objects(client, scope))
                diff = diff_sides(_side(app, "local", name, objects), live, mask=mask)
            revisions = list_revisions(client, scope.app, scope.env, scope.namespace)
            applied = [r for r in revisions if r.operation != "delete" and r.status == "succeeded"]
            other_params = applied[-1].params if applied else None
    rows = [r for r in list_params(app.dir, env=name) if not components or r.component in components]
    removed = [f for f in validation.findings if f.code == Code.REMOVED_API]
    return Report(
        app=app.dir.name,
        env=name,
        target=target,
        against=f"{where}:{other}",
        command=apply_command(name, components, options, prune=_prunes(diff)),
        generated=now(),
        kfkit_version=__version__,
        commit=app_commit(app.root),
        components=component_reviews(diff, objects, mask, rows, other_params, refused),
        findings=[f for f in validation.findings if f.code != Code.REMOVED_API],
        removed_apis=removed,
        validated=True,
        k8s_version=validation.k8s_version,
        server_validated=validation.server,
        crds_from=crds_from,
        crds_unread=unread,
    )


def _crds_from(cluster: Cluster) -> str:
    """The cluster the report says custom resources were checked against; "" for a library
    caller's cluster that cannot name a kind's resource (its CRDs cannot be looked up)."""
    return cluster.target.describe() if isinstance(cluster, SchemaCluster) else ""


def _validate(
    app: App,
    objects: Sequence[Obj],
    env: str,
    components: Sequence[str],
    options: ValidateOptions | None,
    cluster: Cluster | None,
) -> ValidationResult:
    """Offline validation; custom resources also against ``cluster``'s CRDs (found as
    ``validate --server`` finds them), without its dry run."""
    crds = cluster if isinstance(cluster, SchemaCluster) else None
    return app.validate_objects(
        objects, env, components=components, options=options, cluster=crds, dry_run=False
    )


def _preflight(
    objects: Sequence[Obj], client: Cluster, scope: Scope, mask: SecretMask, on_progress: OnProgress | None
) -> tuple[DiffResult, dict[ObjectId, str], list[Finding]]:
    """Apply's own pre-flight, made once: the diff of what the server accepts, what it refuses
    (and why), and the findings of its dry run for the report's validation section. As in
    apply, an object whose render is what kfkit last applied to it is not dry-run again."""
    changes, failures = dry_run_all(
        objects, client, scope, force=False, skip_applied=True, on_progress=on_progress
    )
    refused = {f.object_id: str(f.error) for f in failures}
    accepted = [c for c in changes if c.object_id not in refused]
    prune = prune_candidates(client, scope, changes, refused=[f.object_id for f in failures])
    diff = diff_changes(accepted, prune, mask=mask)
    return diff, refused, dry_run_findings(changes, failures)


def apply_command(
    env: str, components: Sequence[str], options: RenderOptions | None, *, prune: bool = False
) -> str:
    """``kfkit apply ENV -c … --ext-str …``: the command that applies exactly this render."""
    args = ["kfkit", "apply", env]
    for component in components:
        args += ["-c", component]
    if options is not None:
        for path in options.jpath:
            args += ["--jpath", str(path)]
        for flag, values in (("--ext-str", options.ext_strs), ("--tla-str", options.tla_strs)):
            for key, value in values.items():
                args += [flag, f"{key}={value}"]
    if prune:
        args.append("--prune")
    return shlex.join(args)


def _prunes(diff: DiffResult) -> bool:
    return any(d.action is Action.PRUNE for d in diff.objects)


def _side(app: App, where: str, env: str, objects: Sequence[Any]) -> Side:
    return Side(f"{where}:{env}", objects, app.dir.env(env).destination.namespace)

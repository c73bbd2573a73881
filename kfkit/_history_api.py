"""History and rollback for :class:`kfkit.App`: recording revisions, listing them, rolling back.

Kept beside ``_api.py`` so the facade's methods stay one-line calls into here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kfkit import __version__
from kfkit._model import ObjectId
from kfkit._progress import OnProgress
from kfkit._types import Obj
from kfkit.deploy import (
    ApplyOptions,
    ApplyPlan,
    DiffResult,
    ObjectResult,
    Recorder,
    Scope,
    apply_plan,
    delete,
    diff_changes,
    plan_apply,
)
from kfkit.errors import ClusterError, ObjectErrors, ObjectFailure
from kfkit.history import (
    DEFAULT_MAX_HISTORY,
    ObjectOutcome,
    Revision,
    app_commit,
    get_revision,
    hash_secrets,
    list_revisions,
    now,
    record,
    rollback_objects,
    trim,
    who,
)

if TYPE_CHECKING:
    from kfkit._api import App
    from kfkit.deploy import Cluster
    from kfkit.render import RenderOptions

__all__ = [
    "RecordOptions",
    "RollbackPlan",
    "RollbackResult",
    "apply_rollback",
    "history",
    "plan_rollback",
    "record_revision",
    "recorded_apply",
    "recorded_delete",
    "revision",
    "trim_history",
]


@dataclass(frozen=True)
class RecordOptions:
    """How an apply, delete or rollback is recorded in the history."""

    command: str = ""
    """What ran, for people reading the history (the CLI passes its command line)."""
    max_history: int = DEFAULT_MAX_HISTORY
    record: bool = True
    """False: write no revision (dry runs never write one)."""
    render: RenderOptions | None = None
    """The options the objects were rendered with: the params recorded are resolved the same
    way, from the render cache when the render used it."""


def record_revision(
    app: App,
    scope: Scope,
    client: Cluster,
    operation: str,
    objects: Sequence[Obj],
    results: Sequence[ObjectResult],
    options: RecordOptions,
    *,
    failure: ObjectErrors | None = None,
    rollback_of: int | None = None,
) -> Revision:
    """Store what ``operation`` sent and what became of each object as the next revision."""
    from kfkit.render import env_params  # history list/show never render

    salt = os.urandom(16).hex()
    outcomes = [ObjectOutcome(str(r.object_id), r.action.done, r.note) for r in results]
    failures: Sequence[ObjectFailure] = failure.failures if failure else ()
    outcomes += [ObjectOutcome(str(f.object_id), "failed", str(f.error)) for f in failures]
    params = env_params(app.dir, scope.env, options.render)  # rendered a moment ago: cannot fail
    if scope.components:
        params = {name: value for name, value in params.items() if name in scope.components}
    draft = Revision(
        number=0,
        app=scope.app,
        env=scope.env,
        operation=operation,
        time=now(),
        user=who(),
        kfkit_version=__version__,
        command=options.command or f"kfkit.App.{operation}({scope.env!r})",
        commit=app_commit(app.root),
        components=scope.components,
        objects=[hash_secrets(obj, salt) for obj in objects],
        params=params,
        outcomes=outcomes,
        status="failed" if failure else "succeeded",
        error=str(failure or ""),
        rollback_of=rollback_of,
        salt=salt,
    )
    try:
        return record(client, draft, scope.namespace, max_history=options.max_history)
    except ClusterError as exc:
        done = "failed" if failure else "succeeded"
        raise ClusterError(f"the {operation} {done}, but recording it in the history failed: {exc}") from exc


def recorded_apply(
    app: App,
    scope: Scope,
    client: Cluster,
    plan: ApplyPlan,
    options: ApplyOptions,
    record_options: RecordOptions,
    *,
    operation: str = "apply",
    rollback_of: int | None = None,
    on_result: Callable[[ObjectResult], None] | None = None,
) -> tuple[list[ObjectResult], Revision | None]:
    """:func:`kfkit.deploy.apply_plan` with ``options``, then a revision of it (also when objects failed)."""
    plan = replace(plan, options=options)
    if options.dry_run or not record_options.record:
        return apply_plan(plan, client, on_result=on_result), None
    sent = [c.obj for c in plan.changes]
    seen = Recorder(on_result)
    try:
        results = apply_plan(plan, client, on_result=seen)
    except ObjectErrors as exc:
        with contextlib.suppress(ClusterError):  # the objects' failures matter more than the record's
            record_revision(
                app,
                scope,
                client,
                operation,
                sent,
                seen.results,
                record_options,
                failure=exc,
                rollback_of=rollback_of,
            )
        raise
    revision = record_revision(
        app, scope, client, operation, sent, results, record_options, rollback_of=rollback_of
    )
    return results, revision


def recorded_delete(
    app: App,
    scope: Scope,
    client: Cluster,
    objects: Sequence[Obj],
    record_options: RecordOptions,
    *,
    dry_run: bool = False,
    on_result: Callable[[ObjectResult], None] | None = None,
    on_progress: OnProgress | None = None,
) -> tuple[list[ObjectResult], Revision | None]:
    """:func:`kfkit.deploy.delete`, then a revision of it (also when objects failed)."""
    if dry_run or not record_options.record:
        return delete(
            objects, client, scope, dry_run=dry_run, on_result=on_result, on_progress=on_progress
        ), None
    seen = Recorder(on_result)
    try:
        results = delete(objects, client, scope, on_result=seen, on_progress=on_progress)
    except ObjectErrors as exc:
        with contextlib.suppress(ClusterError):  # the objects' failures matter more than the record's
            record_revision(app, scope, client, "delete", objects, seen.results, record_options, failure=exc)
        raise
    return results, record_revision(app, scope, client, "delete", objects, results, record_options)


@dataclass
class RollbackPlan:
    """A rollback checked against the cluster: the revision, the apply plan, its diff."""

    revision: Revision
    scope: Scope
    plan: ApplyPlan
    diff: DiffResult
    options: ApplyOptions
    """How it will be applied (prune, force)."""
    kept: dict[ObjectId, str] = field(default_factory=dict)
    """Secrets left as they are, and why."""


ROLLBACK_REPORT_VERSION = 1
"""Of :meth:`RollbackResult.to_json`; bumped only when a field changes meaning or disappears."""


@dataclass(frozen=True)
class RollbackResult:
    """A rollback done (or, dry run, previewed): its plan and diff, per-object results, new revision."""

    plan: RollbackPlan
    results: list[ObjectResult]
    revision: Revision | None
    """The revision recording the rollback; None for a dry run."""
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        """``kfkit rollback -o json``: one stable object for CI (schema in docs/review.md)."""
        planned = self.plan
        return {
            "reportVersion": ROLLBACK_REPORT_VERSION,
            "app": planned.scope.app,
            "env": planned.scope.env,
            "target": planned.revision.summary(),
            "dryRun": self.dry_run,
            "prune": planned.options.prune,
            "plan": {str(action): n for action, n in planned.plan.counts().items()},
            "objects": [d.to_json() for d in planned.diff.objects],
            "keptSecrets": [{**oid.to_json(), "reason": why} for oid, why in planned.kept.items()],
            "results": [r.to_json() for r in self.results],
            "recordedRevision": self.revision.number if self.revision else None,
        }


def plan_rollback(
    app: App,
    env: str,
    number: int,
    client: Cluster,
    *,
    prune: bool = False,
    force: bool = False,
    on_progress: OnProgress | None = None,
) -> RollbackPlan:
    """What rolling ``env`` back to revision ``number`` would change; writes nothing."""
    base = app.scope(env)
    revision = get_revision(client, base.app, base.env, base.namespace, number)
    scope = replace(base, components=revision.components)
    chosen = rollback_objects(revision, client)
    options = ApplyOptions(prune=prune, force_conflicts=force, on_progress=on_progress)
    plan = plan_apply(chosen.objects, client, scope, options)
    plan.prune = [obj for obj in plan.prune if ObjectId.of(obj) not in chosen.kept]
    diff = diff_changes(plan.changes, plan.prune)
    return RollbackPlan(revision, scope, plan, diff, options, chosen.kept)


def apply_rollback(
    app: App,
    rollback: RollbackPlan,
    client: Cluster,
    record_options: RecordOptions,
    *,
    dry_run: bool = False,
    on_result: Callable[[ObjectResult], None] | None = None,
) -> tuple[list[ObjectResult], Revision | None]:
    """Apply a checked rollback and record it as a new revision (``rollback_of`` set)."""
    return recorded_apply(
        app,
        rollback.scope,
        client,
        rollback.plan,
        replace(rollback.options, dry_run=dry_run),
        record_options,
        operation="rollback",
        rollback_of=rollback.revision.number,
        on_result=on_result,
    )


def trim_history(app: App, env: str, client: Cluster, keep: int) -> int:
    scope = app.scope(env)
    return trim(client, scope.app, scope.env, scope.namespace, keep=keep)


def history(app: App, env: str, client: Cluster) -> list[Revision]:
    scope = app.scope(env)
    return list_revisions(client, scope.app, scope.env, scope.namespace)


def revision(app: App, env: str, number: int, client: Cluster) -> Revision:
    scope = app.scope(env)
    return get_revision(client, scope.app, scope.env, scope.namespace, number)

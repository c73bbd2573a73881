"""``kfkit diff``, ``kfkit apply``, ``kfkit delete``: an environment against its cluster.

Each command renders first (no cluster needed to find render errors), then connects to
the context at the environment's server, prints that target, and calls kfkit.deploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit import Action, App, ObjectId, RecordOptions, Revision
from kfkit._types import Obj
from kfkit.cli._options import Components, Env, ExtStr, JPath, TlaStr, UpgradeApis, render_options
from kfkit.cli._output import note
from kfkit.cli._report import (
    check_before_apply,
    confirm,
    need_consent,
    object_errors,
    print_diff,
    reporter,
    summary,
)
from kfkit.cli._state import command_line, current_app
from kfkit.deploy import (
    DEFAULT_TIMEOUT,
    ApplyOptions,
    ApplyPlan,
    DiffResult,
    Scope,
    Side,
    diff_live,
    diff_sides,
    format_duration,
    live_objects,
    parse_duration,
    plan_apply,
)
from kfkit.errors import UsageError
from kfkit.render import RenderOptions

if TYPE_CHECKING:
    from kfkit.cluster import ClusterClient

__all__ = [
    "Context",
    "DryRun",
    "ForceContext",
    "Kubeconfig",
    "MaxHistory",
    "Selection",
    "Yes",
    "apply",
    "delete",
    "diff",
    "show_plan",
]

DIFF_EXIT_CODE = 10
"""ksonnet's exit status for "differences found"; errors stay 1."""

Context = Annotated[
    str | None,
    typer.Option("--context", help="Kubeconfig context; must point at the environment's server."),
]
Kubeconfig = Annotated[
    Path | None,
    typer.Option("--kubeconfig", help="Kubeconfig file (default: $KUBECONFIG or ~/.kube/config)."),
]
ForceContext = Annotated[
    bool,
    typer.Option(
        "--force-context",
        help="Use --context (or the current context) even if it points elsewhere.",
    ),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Ask the server what would happen; change nothing.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
MaxHistory = Annotated[
    int,
    typer.Option("--max-history", min=1, help="Revisions to keep in the cluster (older ones are deleted)."),
]
Location = Annotated[
    str | None,
    typer.Argument(metavar="[[local:|remote:]ENV]", help="local: its render, remote: its live objects."),
]


@dataclass(frozen=True)
class Selection:
    """What every cluster command shares: the app, components, Jsonnet options, cluster flags."""

    kf: App
    components: tuple[str, ...]
    options: RenderOptions
    kubeconfig: Path | None
    context: str | None
    force_context: bool

    @classmethod
    def of(
        cls,
        component: list[str] | None,
        jpath: list[Path] | None,
        ext_str: list[str] | None,
        tla_str: list[str] | None,
        kubeconfig: Path | None,
        context: str | None,
        force_context: bool,
        upgrade_apis: bool | None = None,
    ) -> Selection:
        options = render_options(jpath, ext_str, tla_str, upgrade_apis)
        return cls(current_app(), tuple(component or ()), options, kubeconfig, context, force_context)

    def render(self, env: str) -> list[Obj]:
        return self.kf.render(env, components=self.components, options=self.options)

    def scope(self, env: str) -> Scope:
        return self.kf.scope(env, components=self.components)

    def connect(self, env: str, purpose: str) -> ClusterClient:
        """A client for ``env``'s cluster, after saying which one (and warning if forced)."""
        client = self.kf.connect(
            env,
            kubeconfig=str(self.kubeconfig) if self.kubeconfig else None,
            context=self.context,
            force_context=self.force_context,
        )
        if client.target.warning:
            note(f"warning: {client.target.warning}")
        note(f"{purpose}: {client.target.describe()}")
        return client


def diff(
    first: Location = None,
    second: Location = None,
    component: Components = None,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Show what apply would change (ENV against its cluster), or compare two environments.

    Exits 0 without differences and 10 with. Of two locations, the diff shows how the
    second would change to become the first (as ksonnet did); ``local:ENV remote:ENV``
    is the same as ``ENV``.
    """
    sel = Selection.of(component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis)
    where, env = _location(sel.kf, first)
    if where == "remote" and second is None:
        raise UsageError(f"remote:{env} needs a second location to compare with, e.g. local:{env}")
    other = _location(sel.kf, second) if second is not None else ("remote", env)
    if where == "local" and other == ("remote", env):
        objects = sel.render(env)
        with sel.connect(env, "comparing with") as client, object_errors():
            result: DiffResult = diff_live(objects, client, sel.scope(env))
        print_diff(result, removed="would be pruned")
    else:
        result = diff_sides(_side(sel, where, env), _side(sel, *other))
        print_diff(result)
    if result.has_changes:
        raise typer.Exit(DIFF_EXIT_CODE)


def apply(
    env_name: Env = None,
    component: Components = None,
    dry_run: DryRun = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Delete what this environment applied that the render no longer has."),
    ] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for rollouts and Jobs to finish.")] = False,
    timeout: Annotated[
        str, typer.Option("--timeout", help="How long --wait (and CRDs) may take: 90s, 5m, 1h.")
    ] = format_duration(DEFAULT_TIMEOUT),
    force_conflicts: Annotated[
        bool,
        typer.Option("--force-conflicts", help="Take over fields other managers (or environments) own."),
    ] = False,
    yes: Yes = False,
    max_history: MaxHistory = RecordOptions.max_history,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the offline validation that runs first.")
    ] = False,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Apply an environment's objects to its cluster: validated offline, dry-run on the server, applied."""
    if prune:
        need_consent("apply --prune", yes=yes, dry_run=dry_run)
    options = ApplyOptions(
        dry_run=dry_run,
        prune=prune,
        wait=wait,
        timeout=parse_duration(timeout),
        force_conflicts=force_conflicts,
    )
    sel = Selection.of(component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis)
    env = sel.kf.dir.resolve_env(env_name)
    objects = sel.render(env)
    if not no_validate:
        check_before_apply(sel.kf, env, objects, sel.components)
    with sel.connect(env, "target") as client, object_errors():
        plan = plan_apply(objects, client, sel.scope(env), options)
        show_plan(plan)
        confirm(f"apply to {client.target.describe()}?", skip=yes or dry_run or not plan.has_changes)
        with reporter(len(plan.changes) + len(plan.prune), "applying") as on_result:
            results, revision = sel.kf.record_apply(
                plan, client, sel.scope(env), options, _record(max_history), on_result=on_result
            )
    note(summary(results, dry_run=dry_run) + _recorded(revision))


def delete(
    env_name: Env = None,
    component: Components = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    max_history: MaxHistory = RecordOptions.max_history,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Delete an environment's rendered objects from its cluster (reverse apply order)."""
    need_consent("delete", yes=yes, dry_run=dry_run)
    sel = Selection.of(component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis)
    env = sel.kf.dir.resolve_env(env_name)
    objects = sel.render(env)
    with sel.connect(env, "target") as client, object_errors():
        note(f'{len(objects)} objects of environment "{env}" to delete')
        for obj in objects:
            note(f"  will delete {ObjectId.of(obj)}")
        confirm(f"delete them from {client.target.describe()}?", skip=yes or dry_run or not objects)
        with reporter(len(objects), "deleting") as on_result:
            scope = sel.scope(env)
            results, revision = sel.kf.record_delete(
                objects, client, scope, _record(max_history), dry_run=dry_run, on_result=on_result
            )
    note(summary(results, dry_run=dry_run) + _recorded(revision))


def _record(max_history: int) -> RecordOptions:
    return RecordOptions(command=command_line(), max_history=max_history)


def _recorded(revision: Revision | None) -> str:
    return f"; recorded as revision {revision.number}" if revision else ""


def _location(kf: App, text: str | None) -> tuple[str, str]:
    """``local:dev`` → ("local", "dev"); a bare name is local; none is the current environment."""
    where, sep, env = (text or "").rpartition(":")
    if not sep:
        where = "local"
    if where not in ("local", "remote"):
        raise UsageError(f"{where!r} is not a valid location; use local:<env> or remote:<env>")
    return where, kf.dir.resolve_env(env or None)


def _side(sel: Selection, where: str, env: str) -> Side:
    """``local:ENV``: its render; ``remote:ENV``: the live objects it applied."""
    namespace = sel.kf.dir.env(env).destination.namespace
    if where == "local":
        return Side(f"local:{env}", sel.render(env), namespace)
    with sel.connect(env, f"reading remote:{env} from") as client:
        return Side(f"remote:{env}", live_objects(client, sel.scope(env)), namespace)


def show_plan(plan: ApplyPlan) -> None:
    counts = plan.counts()
    note(
        f"plan: {counts[Action.CREATE]} to create, {counts[Action.CONFIGURE]} to configure, "
        f"{counts[Action.UNCHANGED]} unchanged, {counts[Action.PRUNE]} to prune"
    )
    for obj in plan.prune:
        note(f"  will prune {ObjectId.of(obj)}")

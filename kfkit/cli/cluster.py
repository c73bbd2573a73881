"""``kfkit diff``, ``kfkit apply``, ``kfkit delete``: an environment against its cluster.

Each command renders first (no cluster needed to find render errors), then connects to
the context at the environment's server, prints that target, and calls :class:`kfkit.App`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import kfkit
from kfkit import DEFAULT_MAX_HISTORY, DEFAULT_WAIT_TIMEOUT, format_duration
from kfkit.cli._options import (
    Components,
    Env,
    ExtStr,
    JPath,
    NoCache,
    ReportOutput,
    TlaStr,
    UpgradeApis,
    render_options,
    wants_json,
)
from kfkit.cli._output import note
from kfkit.cli._progress import progress
from kfkit.cli._report import (
    check_before_apply,
    confirm,
    count,
    need_consent,
    object_errors,
    print_diff,
    reporter,
    summary,
)
from kfkit.cli._state import command_line, current_app

if TYPE_CHECKING:
    from kfkit import (
        App,
        ApplyPlan,
        Cluster,
        RecordOptions,
        RenderOptions,
        Revision,
        Scope,
        Target,
        ValidateOptions,
    )

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
    """What every cluster command shares: the app (with the cluster flags), components, Jsonnet options."""

    kf: App
    components: tuple[str, ...]
    options: RenderOptions

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
        no_cache: bool = False,
    ) -> Selection:
        connection = kfkit.ConnectionOptions(
            kubeconfig=str(kubeconfig) if kubeconfig else None,
            context=context,
            force_context=force_context,
            on_connect=_connected,
        )
        options = render_options(jpath, ext_str, tla_str, upgrade_apis, no_cache)
        return cls(current_app(connection), tuple(component or ()), options)

    def validate_options(self) -> ValidateOptions:
        """Validation as this command's flags ask (``--no-cache`` skips the validation cache too),
        its server checks drawn as apply's are."""
        return kfkit.ValidateOptions(cache=self.options.cache, on_progress=progress())

    @contextmanager
    def connect(self, env: str, purpose: str) -> Iterator[Cluster]:
        """``env``'s cluster (the app opens it once and closes it with itself), after saying which."""
        yield self.kf.cluster(env, purpose=purpose)


def _connected(target: Target, purpose: str) -> None:
    """Say which cluster a command talks to (and warn if that was forced) before it does."""
    if target.warning:
        note(f"warning: {target.warning}")
    note(f"{purpose}: {target.describe()}")


def diff(
    first: Location = None,
    second: Location = None,
    component: Components = None,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    no_cache: NoCache = False,
    output: ReportOutput = "text",
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Show what apply would change (ENV against its cluster), or compare two environments.

    Exits 0 without differences and 10 with. Of two locations, the diff shows how the
    second would change to become the first (as ksonnet did); ``local:ENV remote:ENV``
    is the same as ``ENV``.
    """
    as_json = wants_json(output)
    sel = Selection.of(
        component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis, no_cache
    )
    with sel.kf, object_errors():
        result = sel.kf.diff(
            first, second, components=sel.components, options=sel.options, on_progress=progress()
        )
    print_diff(result, as_json=as_json)
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
    ] = format_duration(DEFAULT_WAIT_TIMEOUT),
    force_conflicts: Annotated[
        bool,
        typer.Option("--force-conflicts", help="Take over fields other managers (or environments) own."),
    ] = False,
    create_namespace: Annotated[
        bool,
        typer.Option(
            "--create-namespace",
            help="Create the environment's namespace if missing (as Helm does; never pruned or deleted).",
        ),
    ] = False,
    yes: Yes = False,
    max_history: MaxHistory = DEFAULT_MAX_HISTORY,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the offline validation that runs first.")
    ] = False,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    no_cache: NoCache = False,
    output: ReportOutput = "text",
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Apply an environment's objects to its cluster: validated offline, dry-run on the server, applied."""
    as_json = wants_json(output)
    if prune:
        need_consent("apply --prune", yes=yes, dry_run=dry_run)
    options = kfkit.ApplyOptions(
        dry_run=dry_run,
        prune=prune,
        wait=wait,
        timeout=kfkit.parse_duration(timeout),
        force_conflicts=force_conflicts,
        create_namespace=create_namespace,
        on_progress=progress(),
    )
    sel = Selection.of(
        component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis, no_cache
    )
    with sel.kf as kf, object_errors():
        env = kf.environment(env_name).name
        objects = kf.render(env, components=sel.components, options=sel.options)
        if not no_validate:
            check_before_apply(kf, env, objects, sel.components, sel.validate_options())
        plan = kf.plan_apply(env, components=sel.components, objects=objects, options=options)
        show_plan(plan)
        target = kf.cluster(plan.scope.env).target
        confirm(f"apply to {target.describe()}?", skip=yes or dry_run or not plan.has_changes)
        report = {
            **_report(plan.scope, target, dry_run),
            "prune": prune,
            "wait": wait,
            "plan": {str(action): n for action, n in plan.counts().items()},
        }
        total = len(plan.changes) + len(plan.prune)
        with reporter(total, "applying", report=report if as_json else None) as outcome:
            results, outcome.revision = kf.record_apply(
                plan, _record(max_history, sel.options), on_result=outcome
            )
    note(summary(results, dry_run=dry_run) + _recorded(outcome.revision))


def delete(
    env_name: Env = None,
    component: Components = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    max_history: MaxHistory = DEFAULT_MAX_HISTORY,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    output: ReportOutput = "text",
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Delete an environment's rendered objects from its cluster (reverse apply order)."""
    as_json = wants_json(output)
    need_consent("delete", yes=yes, dry_run=dry_run)
    sel = Selection.of(component, jpath, ext_str, tla_str, kubeconfig, context, force_context, upgrade_apis)
    with sel.kf as kf, object_errors():
        plan = kf.plan_delete(env_name, components=sel.components, render_options=sel.options)
        target = kf.cluster(plan.scope.env).target
        note(f'{count(len(plan.objects), "object")} of environment "{plan.scope.env}" to delete')
        for obj in plan.objects:
            note(f"  will delete {kfkit.ObjectId.of(obj)}")
        confirm(f"delete them from {target.describe()}?", skip=yes or dry_run or not plan.objects)
        report = _report(plan.scope, target, dry_run) if as_json else None
        with reporter(len(plan.objects), "deleting", report=report) as outcome:
            results, outcome.revision = kf.record_delete(
                plan,
                _record(max_history, sel.options),
                dry_run=dry_run,
                on_result=outcome,
                on_progress=progress(),
            )
    note(summary(results, dry_run=dry_run) + _recorded(outcome.revision))


def _report(scope: Scope, target: Target, dry_run: bool) -> dict[str, object]:
    """The fields apply's and delete's ``-o json`` reports start with: whose objects, where."""
    where = {"context": target.context, "server": target.server, "namespace": target.namespace}
    return {"app": scope.app, "env": scope.env, "target": where, "dryRun": dry_run}


def _record(max_history: int, render: RenderOptions) -> RecordOptions:
    return kfkit.RecordOptions(command=command_line(), max_history=max_history, render=render)


def _recorded(revision: Revision | None) -> str:
    return f"; recorded as revision {revision.number}" if revision else ""


def show_plan(plan: ApplyPlan) -> None:
    counts = plan.counts()
    action = kfkit.Action  # looked up here: printing --help does not load the object model
    note(
        f"plan: {counts[action.CREATE]} to create, {counts[action.CONFIGURE]} to configure, "
        f"{counts[action.UNCHANGED]} unchanged, {counts[action.PRUNE]} to prune"
    )
    if plan.new_namespace:
        note(f'  will create namespace "{plan.new_namespace}" first (--create-namespace)')
    for obj in plan.prune:
        note(f"  will prune {kfkit.ObjectId.of(obj)}")

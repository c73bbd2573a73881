"""``kfkit history`` and ``kfkit rollback``: the revisions kept in the cluster, and going back to one."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING, Annotated

import typer

import kfkit
from kfkit import DEFAULT_MAX_HISTORY
from kfkit.cli._options import Output, wants_json
from kfkit.cli._output import check_output, dump, note, table
from kfkit.cli._progress import progress
from kfkit.cli._report import confirm, need_consent, object_errors, print_diff, reporter, summary
from kfkit.cli._state import command_line
from kfkit.cli.cluster import (
    Context,
    DryRun,
    ForceContext,
    Kubeconfig,
    MaxHistory,
    Selection,
    Yes,
    show_plan,
)
from kfkit.errors import UsageError

if TYPE_CHECKING:
    from kfkit import ObjectResult, Revision

__all__ = ["history", "rollback"]

Args = Annotated[list[str] | None, typer.Argument(metavar="[ENV] [REV]", show_default=False)]


def history(
    args: Args = None,
    max_history: Annotated[
        int | None,
        typer.Option("--max-history", min=1, help="Also delete all but the newest N revisions."),
    ] = None,
    output: Output = "table",
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """List an environment's revisions (every apply, delete and rollback), or show revision REV."""
    check_output(output)
    sel = Selection.of(None, None, None, None, kubeconfig, context, force_context)
    env, number = _env_and_revision(sel, args or [], required=False)
    with sel.connect(env, "reading history from") as client:
        if max_history is not None:
            deleted = sel.kf.trim_history(env, max_history, client=client)
            note(f"deleted {deleted} old revisions; keeping at most {max_history}")
        if number is not None:
            _show(sel.kf.revision(env, number, client=client), output)
            return
        revisions = sel.kf.history(env, client=client)
    if output != "table":
        dump([r.summary() for r in revisions], output)
        return
    header = ["rev", "time", "operation", "status", "user", "commit", "command"]
    rows = [
        [str(r.number), r.time, _operation(r), r.status, r.user, r.commit[:12] or "-", r.command]
        for r in revisions
    ]
    sys.stdout.write(table(header, rows))
    if not revisions:
        note(f'no revisions of environment "{env}" yet: apply records one')


def rollback(
    args: Annotated[list[str], typer.Argument(metavar="[ENV] REV", show_default=False)],
    dry_run: DryRun = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete what was applied after REV (objects REV did not have).")
    ] = False,
    yes: Yes = False,
    force_conflicts: Annotated[
        bool, typer.Option("--force-conflicts", help="Take over fields other managers own.")
    ] = False,
    max_history: MaxHistory = DEFAULT_MAX_HISTORY,
    output: Annotated[
        str, typer.Option("--output", "-o", help="text, or json: one report on stdout (docs/review.md).")
    ] = "text",
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Re-apply revision REV's objects, after showing the diff; recorded as a new revision.

    History keeps only hashes of Secret values: a Secret is sent only if its live values
    are still those of REV, otherwise it is left as it is (and the output says so). A
    revision whose objects use APIs the server no longer serves is refused.
    """
    as_json = wants_json(output)
    if prune:
        need_consent("rollback --prune", yes=yes, dry_run=dry_run)
    sel = Selection.of(None, None, None, None, kubeconfig, context, force_context)
    env, number = _env_and_revision(sel, args, required=True)
    assert number is not None  # required=True
    with sel.connect(env, "target") as client, object_errors():
        planned = sel.kf.plan_rollback(
            env, number, prune=prune, force_conflicts=force_conflicts, client=client, on_progress=progress()
        )
        rev = planned.revision
        note(f"rolling back to revision {rev.number} ({rev.time}, {rev.user}: {rev.command})")
        for oid, why in planned.kept.items():
            note(f"  {oid}: {why}")
        if not as_json:
            print_diff(planned.diff)
        show_plan(planned.plan)
        results: list[ObjectResult] = []
        recorded = None
        if not dry_run:
            confirm(f"roll back {client.target.describe()}?", skip=yes or not planned.plan.has_changes)
            total = len(planned.plan.changes) + len(planned.plan.prune)
            # with -o json stdout is the report: no result lines
            lines = nullcontext(None) if as_json else reporter(total, "rolling back")
            with lines as on_result:
                results, recorded = sel.kf.apply_rollback(
                    planned,
                    client=client,
                    record=kfkit.RecordOptions(command=command_line(), max_history=max_history),
                    on_result=on_result,
                )
    if as_json:
        report = kfkit.RollbackResult(planned, results, recorded, dry_run=dry_run).to_json()
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    if not dry_run:
        note(summary(results) + (f"; recorded as revision {recorded.number}" if recorded else ""))


def _env_and_revision(sel: Selection, args: list[str], *, required: bool) -> tuple[str, int | None]:
    """``[ENV] [REV]``: one argument is REV if it is a number that is not an environment's name."""
    if len(args) > 2:
        raise UsageError(f"expected [ENV] [REV], got {len(args)} arguments")
    env: str | None = None
    rev: str | None = None
    if len(args) == 2:
        env, rev = args
    elif len(args) == 1 and (
        required or (args[0].isdigit() and args[0] not in {e.name for e in sel.kf.environments()})
    ):
        rev = args[0]
    elif args:
        env = args[0]
    if rev is None:
        if required:
            raise UsageError("which revision? give REV (see kfkit history)")
        return sel.kf.environment(env).name, None
    if not rev.isdigit() or int(rev) < 1:
        raise UsageError(f"revision must be a positive number, not {rev!r}")
    return sel.kf.environment(env).name, int(rev)


def _operation(revision: Revision) -> str:
    return f"rollback to {revision.rollback_of}" if revision.rollback_of else revision.operation


def _show(revision: Revision, output: str) -> None:
    if output != "table":
        dump(revision.to_json(), output)
        return
    fields = [
        ("revision", str(revision.number)),
        ("time", revision.time),
        ("operation", _operation(revision)),
        ("status", revision.status + (f": {revision.error}" if revision.error else "")),
        ("user", revision.user),
        ("kfkit", revision.kfkit_version),
        ("commit", revision.commit or "-"),
        ("command", revision.command),
        ("components", ", ".join(revision.components) or "all"),
    ]
    width = max(len(k) for k, _ in fields)
    sys.stdout.write("".join(f"{k.ljust(width)}  {v}\n" for k, v in fields) + "\n")
    rows = [[o.object, o.action, o.note] for o in revision.outcomes]
    sys.stdout.write(table(["object", "result", "note"], rows))

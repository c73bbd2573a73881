"""Apply: plan (pre-flight every object), then write tier by tier, prune, wait.

Two steps so the CLI can show the target and a summary, and ask, between them::

    plan = plan_apply(objects, client, scope, options)   # writes nothing
    results = apply_plan(plan, client, on_result=print_line)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kfkit._model import Action, ObjectId
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import Obj
from kfkit.deploy._delete import delete_all
from kfkit.deploy._objects import ObjectErrors, ObjectResult, Recorder, for_each
from kfkit.deploy._order import Tier, by_tier
from kfkit.deploy._plan import Change, Scope, check, preflight, prune_candidates, tier_of_live
from kfkit.deploy._protocol import Cluster
from kfkit.deploy._wait import DEFAULT_TIMEOUT, wait_ready
from kfkit.errors import UsageError

__all__ = ["ApplyOptions", "ApplyPlan", "apply_plan", "plan_apply"]


@dataclass(frozen=True)
class ApplyOptions:
    dry_run: bool = False
    prune: bool = False
    """Delete this app and environment's live objects that the render no longer has."""
    wait: bool = False
    """Wait for rollouts and Jobs (CRDs are always waited for)."""
    timeout: float = DEFAULT_TIMEOUT
    force_conflicts: bool = False
    """Take over fields other field managers own, and objects another kfkit environment applied."""
    create_namespace: bool = False
    """Create the environment's namespace if it is missing, as Helm's ``--create-namespace`` does:
    without kfkit's ownership labels, so prune and delete never remove it (nor what is in it)."""
    on_progress: OnProgress | None = field(default=None, compare=False, repr=False)
    """Told of the pre-flight, writes, prunes and waits as they happen (:mod:`kfkit._progress`)."""


@dataclass
class ApplyPlan:
    """The pre-flighted changes and the objects prune would delete; nothing written yet."""

    changes: list[Change]
    prune: list[Obj]
    scope: Scope
    options: ApplyOptions
    new_namespace: str = ""
    """The environment's namespace when it is missing and ``create_namespace`` creates it first."""

    def counts(self) -> Counter[Action]:
        """How many objects each action concerns (every action present, zeros included)."""
        counts = Counter(dict.fromkeys((Action.CREATE, Action.CONFIGURE, Action.UNCHANGED), 0))
        counts.update(c.action for c in self.changes)
        counts[Action.PRUNE] = len(self.prune)
        return counts

    @property
    def has_changes(self) -> bool:
        changed = any(c.action is not Action.UNCHANGED for c in self.changes)
        return changed or bool(self.prune or self.new_namespace)


def plan_apply(
    objects: Sequence[Obj], client: Cluster, scope: Scope, options: ApplyOptions = ApplyOptions()
) -> ApplyPlan:
    """Pre-flight every object and find what prune would delete; ObjectErrors if anything fails."""
    if options.prune and not objects:
        raise UsageError(
            f'refusing to prune environment "{scope.env}" with an empty render: '
            "it would delete everything it applied"
        )
    missing = options.create_namespace and client.get(_namespace(scope.namespace)) is None
    try:
        force, on_progress = options.force_conflicts, options.on_progress
        changes = check(
            objects,
            client,
            scope,
            force=force,
            on_progress=on_progress,
            new_namespaces=[scope.namespace] if missing else [],
        )
    except ObjectErrors as exc:
        raise ObjectErrors(f"pre-flight: {exc}; nothing was written", exc.failures) from None
    prune = prune_candidates(client, scope, changes) if options.prune else []
    return ApplyPlan(changes, prune, scope, options, scope.namespace if missing else "")


def _namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def apply_plan(
    plan: ApplyPlan, client: Cluster, *, on_result: Callable[[ObjectResult], None] | None = None
) -> list[ObjectResult]:
    """Write the plan in tier order (each tier in parallel), prune, then wait if asked (its options).

    Objects waiting for a Namespace or CRD of the same render are pre-flighted right after
    the Namespaces and CRDs are written and established, before anything of a later tier.
    """
    report, options = Recorder(on_result), plan.options
    if plan.new_namespace:
        if not options.dry_run:
            client.apply(_namespace(plan.new_namespace))
        oid = ObjectId("", "Namespace", "", plan.new_namespace, "v1")
        report(ObjectResult(oid, Action.CREATE, dry_run=options.dry_run, note="--create-namespace"))

    if options.dry_run:  # reported in the order a real run writes and prunes them
        for change in sorted(plan.changes, key=lambda c: c.tier):
            note = f"not checked: needs {change.waits_for}" if change.waits_for else ""
            report(ObjectResult(change.object_id, change.action, dry_run=True, note=note))
        for obj in sorted(plan.prune, key=tier_of_live, reverse=True):
            report(ObjectResult(ObjectId.of(obj), Action.PRUNE, dry_run=True))
        return report.results

    applying = Ticker(options.on_progress, Stage.APPLY, len(plan.changes))

    def written(result: ObjectResult) -> None:
        report(result)
        applying.one(result.object_id)

    _write([c for c in plan.changes if c.tier <= Tier.CRDS], client, options, written)
    crds = [c.obj for c in plan.changes if c.tier is Tier.CRDS]
    if crds:
        wait_ready(client, crds, timeout=options.timeout, on_progress=options.on_progress)
    waiting = [c for c in plan.changes if c.waits_for]
    checking = Ticker(options.on_progress if waiting else None, Stage.CHECK, len(waiting))
    failures = preflight(waiting, client, plan.scope, force=options.force_conflicts, on_done=checking.one)
    checking.tick(checking.total)  # failed ones are done too
    if failures:
        summary = (
            f"pre-flight failed for {len(failures)} objects once their Namespaces and CRDs "
            "existed; only those were written"
        )
        raise ObjectErrors(summary, failures)
    _write([c for c in plan.changes if c.tier > Tier.CRDS], client, options, written)
    if plan.prune:
        delete_all(plan.prune, client, action=Action.PRUNE, on_done=report, on_progress=options.on_progress)
    if options.wait:
        ready = [c.obj for c in plan.changes if c.tier is not Tier.CRDS]
        wait_ready(
            client,
            ready,
            timeout=options.timeout,
            on_ready=lambda oid: report(ObjectResult(oid, Action.READY)),
            on_progress=options.on_progress,
        )
    return report.results


def _write(
    changes: Sequence[Change],
    client: Cluster,
    options: ApplyOptions,
    report: Callable[[ObjectResult], None],
) -> None:
    def one(change: Change) -> ObjectResult:
        if not change.needs_write:
            return ObjectResult(change.object_id, Action.UNCHANGED)
        applied = client.apply(change.obj, force=options.force_conflicts)
        if change.live is None:
            return ObjectResult(change.object_id, Action.CREATE)
        unchanged = _version(applied) == _version(change.live)
        return ObjectResult(change.object_id, Action.UNCHANGED if unchanged else Action.CONFIGURE)

    for tier, group in by_tier(changes, lambda c: c.tier):
        failures = for_each(
            one, group, lambda c: c.object_id, on_done=report, local=lambda c: not c.needs_write
        )[1]
        if failures:
            raise ObjectErrors(
                f"{len(failures)} of {len(group)} objects failed while applying "
                f"{tier.name.lower()}; earlier tiers were applied",
                failures,
            )


def _version(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion", ""))

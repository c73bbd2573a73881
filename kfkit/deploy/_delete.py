"""Delete: the render's objects, in reverse tier order, and prune's deletions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kfkit._model import Action, ObjectId
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import Obj
from kfkit.deploy._objects import ObjectErrors, ObjectResult, Recorder, for_each
from kfkit.deploy._order import by_tier
from kfkit.deploy._plan import Scope, ensure_owned, place, read_live, tier_of_live
from kfkit.deploy._protocol import Cluster

__all__ = ["delete", "delete_all"]


def delete(
    objects: Sequence[Obj],
    client: Cluster,
    scope: Scope,
    *,
    dry_run: bool = False,
    on_result: Callable[[ObjectResult], None] | None = None,
    on_progress: OnProgress | None = None,
) -> list[ObjectResult]:
    """Delete the rendered objects that exist; absent ones are reported, not errors.

    Every object is looked up first (by LIST, see :func:`read_live`): if one belongs to
    another kfkit app or environment, nothing is deleted.
    """
    report = Recorder(on_result)

    targets = []
    for obj in objects:
        oid = ObjectId.of(obj)
        namespaced = client.is_namespaced(oid.api_version, oid.kind)
        if namespaced is None:
            report(ObjectResult(oid, Action.ABSENT, dry_run=dry_run, note="kind not served"))
        else:
            targets.append(place(obj, namespaced, scope.namespace))

    listed = read_live(targets, client, scope)

    def look(obj: Obj) -> tuple[Obj, Obj | None]:
        oid = ObjectId.of(obj)
        live = listed[oid] if oid in listed else client.get(obj)
        ensure_owned(live, (scope.app, scope.env), "delete it from there")
        return obj, live

    checking = Ticker(on_progress, Stage.CHECK, len(targets))
    looked, failures = for_each(
        look, targets, ObjectId.of, on_done=lambda seen: checking.one(ObjectId.of(seen[0]))
    )
    if failures:
        raise ObjectErrors(
            f"{len(failures)} of {len(objects)} objects cannot be deleted; nothing was deleted",
            failures,
        )
    found = []
    for obj, live in filter(None, looked):
        if live is None:
            report(ObjectResult(ObjectId.of(obj), Action.ABSENT, dry_run=dry_run))
        else:
            found.append(live)
    delete_all(found, client, dry_run=dry_run, on_done=report, on_progress=on_progress)
    return report.results


def delete_all(
    objects: Sequence[Obj],
    client: Cluster,
    *,
    action: Action = Action.DELETE,
    dry_run: bool = False,
    on_done: Callable[[ObjectResult], None],
    on_progress: OnProgress | None = None,
) -> None:
    """Delete live objects in reverse tier order, each tier in parallel.

    The uid precondition makes the server refuse if an object was replaced since it was read.
    """
    ticker = Ticker(on_progress, Stage.PRUNE if action is Action.PRUNE else Stage.DELETE, len(objects))

    def done(result: ObjectResult) -> None:
        on_done(result)
        ticker.one(result.object_id)

    def one(obj: Obj) -> ObjectResult:
        uid = (obj.get("metadata") or {}).get("uid", "")
        gone = client.delete(obj, dry_run=dry_run, uid=uid)
        return ObjectResult(ObjectId.of(obj), action if gone else Action.ABSENT, dry_run=dry_run)

    for _, group in by_tier(objects, tier_of_live, reverse=True):
        failures = for_each(one, group, ObjectId.of, on_done=done)[1]
        if failures:
            raise ObjectErrors(f"could not delete {len(failures)} of {len(group)} objects", failures)

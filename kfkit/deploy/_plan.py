"""What applying a render would do, learnt from the server without writing anything.

Each rendered object gets the ownership marks and its namespace, then a GET (the live
object) and a server-side dry-run apply (what the object would become). Apply, diff and
the confirmation summary all read this one :class:`Change` list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from kfkit._connection import FIELD_MANAGER
from kfkit._model import Action, ObjectId
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import Obj
from kfkit.deploy._applied import is_applied
from kfkit.deploy._labels import owner_of, owner_selector, with_owner
from kfkit.deploy._objects import DEFAULT_PARALLELISM, ObjectErrors, ObjectFailure, for_each
from kfkit.deploy._order import Tier, tier_of
from kfkit.deploy._protocol import Cluster
from kfkit.errors import Conflict, Forbidden, Invalid
from kfkit.manifests import api_change

__all__ = [
    "Change",
    "Scope",
    "check",
    "comparable",
    "dry_run_all",
    "ensure_owned",
    "live_objects",
    "place",
    "preflight",
    "prune_candidates",
    "read_live",
    "served_identity",
    "tier_of_live",
]

_CRD = ("apiextensions.k8s.io", "CustomResourceDefinition")
_SERVER_METADATA = (
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
)
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_NEVER_OWNED = frozenset(
    {
        ("", "ComponentStatus"),
        ("", "Endpoints"),
        ("discovery.k8s.io", "EndpointSlice"),
        ("", "Event"),
        ("events.k8s.io", "Event"),
    }
)
"""Kinds the system makes, never applied by kfkit: read-only status, objects that copy their
owner's labels (kubecfg#159), records. They are never listed in a search for applied objects."""


@dataclass(frozen=True)
class Scope:
    """Whose objects these are: app, environment (and its namespace), selected components."""

    app: str
    env: str
    namespace: str
    components: tuple[str, ...] = ()

    def selector(self) -> str:
        return owner_selector(self.app, self.env, self.components)


@dataclass
class Change:
    """One rendered object, as it will be sent, with the server's view of it."""

    obj: Obj
    tier: Tier
    live: Obj | None = None
    preview: Obj | None = None
    """The server's dry-run result; None until checked."""
    waits_for: str = ""
    """What must exist before the server can check this, e.g. ``CustomResourceDefinition x``."""
    object_id: ObjectId = field(init=False)

    def __post_init__(self) -> None:
        self.object_id = ObjectId.of(self.obj)

    @property
    def action(self) -> Action:
        """CREATE, CONFIGURE or UNCHANGED: the dry run against the live object."""
        if self.live is None:
            return Action.CREATE
        if self.preview is self.live:
            return Action.UNCHANGED  # known applied: no dry run was needed
        return Action.UNCHANGED if comparable(self.preview) == comparable(self.live) else Action.CONFIGURE

    @property
    def needs_write(self) -> bool:
        """False only when the server said applying changes nothing, ``managedFields`` included.

        Without managedFields to compare (a fake cluster), every object is written.
        """
        if self.live is None or self.preview is None or self.action is not Action.UNCHANGED:
            return True
        ownership = _ownership(self.preview)
        return ownership is None or ownership != _ownership(self.live)


def comparable(obj: Obj | None) -> Obj | None:
    """``obj`` without server-owned fields: managedFields, resourceVersion, uid, status…"""
    if obj is None:
        return None
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in _SERVER_METADATA}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != _LAST_APPLIED}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": meta}


def _ownership(obj: Obj) -> list[Obj] | None:
    """Who owns which fields, without the times of their last change; None when not shown."""
    entries = (obj.get("metadata") or {}).get("managedFields")
    return None if entries is None else [{k: v for k, v in e.items() if k != "time"} for e in entries]


def place(obj: Obj, namespaced: bool, default_namespace: str) -> Obj:
    """``obj`` in the environment's namespace unless it names one; cluster-scoped in none."""
    meta = dict(obj.get("metadata") or {})
    if not namespaced:
        meta.pop("namespace", None)
    elif not meta.get("namespace"):
        meta["namespace"] = default_namespace
    return {**obj, "metadata": meta}


def check(
    objects: Sequence[Obj],
    client: Cluster,
    scope: Scope,
    *,
    force: bool = False,
    on_progress: OnProgress | None = None,
    new_namespaces: Sequence[str] = (),
) -> list[Change]:
    """Prepare and pre-flight every object; ObjectErrors listing every failure if any fails.

    Objects that depend on a Namespace or CRD of the same render (or in ``new_namespaces``,
    to be created first) which the server does not have yet cannot be dry-run; they come
    back with ``waits_for`` set, to be checked once those exist (see :func:`preflight`).
    Objects whose render is what kfkit last applied are not dry-run: they need no write,
    so they cannot fail one.
    """
    changes, failures = dry_run_all(
        objects,
        client,
        scope,
        force=force,
        skip_applied=True,
        on_progress=on_progress,
        new_namespaces=new_namespaces,
    )
    if failures:
        summary = f"{len(failures)} of {len(objects)} objects failed the server-side dry run"
        raise ObjectErrors(summary, failures)
    return changes


def dry_run_all(
    objects: Sequence[Obj],
    client: Cluster,
    scope: Scope,
    *,
    force: bool,
    skip_applied: bool = False,
    on_progress: OnProgress | None = None,
    new_namespaces: Sequence[str] = (),
) -> tuple[list[Change], list[ObjectFailure]]:
    """:func:`check` without raising (``kfkit validate --server``: every object dry-run by default)."""
    ticker = Ticker(on_progress, Stage.CHECK, len(objects))
    changes, failures = _prepare(objects, client, scope)
    namespaces = [c for c in changes if c.tier is Tier.NAMESPACES]
    failures += preflight(
        namespaces, client, scope, force=force, skip_applied=skip_applied, on_done=ticker.one
    )
    missing = {*new_namespaces, *(c.object_id.name for c in namespaces if c.live is None)}
    for change in changes:
        if change.object_id.namespace in missing and not change.waits_for:
            change.waits_for = f"Namespace {change.object_id.namespace}"
    failures += preflight(
        [c for c in changes if c.tier is not Tier.NAMESPACES and not c.waits_for],
        client,
        scope,
        force=force,
        skip_applied=skip_applied,
        on_done=ticker.one,
    )
    ticker.tick(ticker.total)  # failed objects and those waiting for a Namespace or CRD are done too
    return changes, failures


def preflight(
    changes: Sequence[Change],
    client: Cluster,
    scope: Scope,
    *,
    force: bool,
    skip_applied: bool = True,
    on_done: Callable[[ObjectId], None] | None = None,
) -> list[ObjectFailure]:
    """Fill in ``live`` (see :func:`read_live`) and ``preview`` (a strict dry-run apply); the failures.

    With ``skip_applied``, an object whose render is what kfkit last applied to it keeps
    the live object as its preview, without a request. ``on_done`` hears of each object
    checked (failures excepted), in order.
    """
    live = read_live([c.obj for c in changes], client, scope)
    applied = {
        c.object_id
        for c in changes
        if skip_applied and c.object_id in live and is_applied(c.obj, live[c.object_id], FIELD_MANAGER)
    }

    def one(change: Change) -> Change:
        listed = change.object_id in live
        change.live = live[change.object_id] if listed else client.get(change.obj)
        if not force:
            ensure_owned(change.live, owner_of(change.obj), "pass --force-conflicts to take it over")
        if change.object_id in applied or (
            skip_applied and not listed and is_applied(change.obj, change.live, FIELD_MANAGER)
        ):
            change.preview = change.live
        else:
            change.preview = client.apply(change.obj, dry_run=True, force=force)
        return change

    tell = (lambda change: on_done(change.object_id)) if on_done is not None else None
    return for_each(
        one, changes, lambda c: c.object_id, on_done=tell, local=lambda c: c.object_id in applied
    )[1]


def read_live(objects: Sequence[Obj], client: Cluster, scope: Scope) -> dict[ObjectId, Obj | None]:
    """The live objects (None: absent) with the identities of ``objects``, placed ones.

    One LIST per kind and namespace, selecting this app and environment's labels; only if
    that misses some, one LIST of the kind and namespace without a selector (objects not
    applied by kfkit, or by another environment). A kind and namespace the user may not
    list is left out, for the caller to GET object by object.
    """
    groups: dict[tuple[str, str, str], set[str]] = {}
    for obj in objects:
        oid = ObjectId.of(obj)
        groups.setdefault((oid.api_version, oid.kind, oid.namespace), set()).add(oid.name)
    selector = owner_selector(scope.app, scope.env)

    def one_group(key: tuple[str, str, str]) -> dict[str, Obj] | None:
        api_version, kind, namespace = key
        try:
            found = _by_name(client.list_kind(api_version, kind, namespace=namespace, selector=selector))
            if not groups[key] <= found.keys():
                found = _by_name(client.list_kind(api_version, kind, namespace=namespace, selector=""))
        except Forbidden:
            return None
        return found

    with ThreadPoolExecutor(DEFAULT_PARALLELISM) as pool:
        listed = dict(zip(groups, pool.map(one_group, groups), strict=True))
    live: dict[ObjectId, Obj | None] = {}
    for obj in objects:
        oid = ObjectId.of(obj)
        found = listed[oid.api_version, oid.kind, oid.namespace]
        if found is not None:
            live[oid] = found.get(oid.name)
    return live


def _by_name(objects: Sequence[Obj]) -> dict[str, Obj]:
    return {(obj.get("metadata") or {}).get("name", ""): obj for obj in objects}


def ensure_owned(live: Obj | None, owner: tuple[str, str] | None, remedy: str) -> None:
    """Conflict when ``live`` was applied by another kfkit app or environment than ``owner``."""
    found = owner_of(live) if live is not None else None
    if found is not None and found != owner:
        raise Conflict(f'it belongs to app "{found[0]}" environment "{found[1]}"; {remedy}')


def live_objects(client: Cluster, scope: Scope, namespaces: Sequence[str] = ()) -> list[Obj]:
    """The live objects this app and environment applied (of the selected components), by labels.

    Namespaced objects are looked for in the environment's namespace and ``namespaces``
    only. The exact names in the annotations must match too; objects a controller owns
    (they inherit labels from their owner) are left out, and kinds the system makes are
    not even listed.
    """
    where = list(dict.fromkeys([scope.namespace, *namespaces]))
    return [
        obj
        for obj in client.list_labelled(scope.selector(), where, skip=_NEVER_OWNED)
        if owner_of(obj) == (scope.app, scope.env) and not _controlled(obj)
    ]


def _controlled(obj: Obj) -> bool:
    return any(o.get("controller") for o in (obj.get("metadata") or {}).get("ownerReferences") or [])


def prune_candidates(
    client: Cluster, scope: Scope, changes: Sequence[Change], *, refused: Sequence[ObjectId] = ()
) -> list[Obj]:
    """This app and environment's live objects that the render lacks: what prune deletes.

    ``refused`` are rendered objects the pre-flight refused (``kfkit review`` goes on with
    the rest): they are in the render all the same. Identities are compared as the server
    sees them (:func:`served_identity`), so a render still naming an object by a removed API
    never makes the live object of that name a candidate.
    """
    rendered = {served_identity(c.object_id, client, scope) for c in changes}
    rendered |= {served_identity(oid, client, scope) for oid in refused}
    namespaces = sorted({oid.namespace for oid in rendered if oid.namespace})
    return [
        obj
        for obj in live_objects(client, scope, namespaces)
        if served_identity(ObjectId.of(obj), client, scope) not in rendered
    ]


def served_identity(oid: ObjectId, client: Cluster | None = None, scope: Scope | None = None) -> ObjectId:
    """``oid`` as a current server knows it: of the removed-API table's successor group and
    version (the upgrade ``--upgrade-apis`` makes), so extensions/v1beta1 and apps/v1
    Deployments of one name are one object, as they were one object to the servers that
    served both. Given the cluster and scope, an object not yet placed (refused before
    placing) is placed as its successor would be; without them, the namespace is left as is
    (comparisons of environments match namespaces their own way)."""
    change = api_change(oid.api_version, oid.kind)
    successor = change.current_successor if change is not None else None
    if successor is None:
        return oid
    namespace = oid.namespace
    if (
        not namespace
        and client is not None
        and scope is not None
        and client.is_namespaced(successor, oid.kind)
    ):
        namespace = scope.namespace
    group, _, version = successor.rpartition("/")
    return replace(oid, group=group, version=version, namespace=namespace)


def tier_of_live(obj: Obj) -> Tier:
    oid = ObjectId.of(obj)
    return tier_of(oid.group, oid.kind, bool(oid.namespace))


def _prepare(
    objects: Sequence[Obj], client: Cluster, scope: Scope
) -> tuple[list[Change], list[ObjectFailure]]:
    """Ownership marks and namespace for each object, and its tier; unknown kinds are failures."""
    crd_scopes = {
        (crd["spec"].get("group", ""), crd["spec"].get("names", {}).get("kind", "")): (
            crd["spec"].get("scope") == "Namespaced",
            crd["metadata"]["name"],
        )
        for crd in objects
        if (ObjectId.of(crd).group, crd["kind"]) == _CRD and isinstance(crd.get("spec"), dict)
    }
    changes, failures = [], []
    for obj in objects:
        oid = ObjectId.of(obj)
        namespaced = client.is_namespaced(oid.api_version, oid.kind)
        waits_for = ""
        if namespaced is None and (oid.group, oid.kind) in crd_scopes:
            namespaced, crd_name = crd_scopes[oid.group, oid.kind]
            waits_for = f"CustomResourceDefinition {crd_name}"
        removed = api_change(oid.api_version, oid.kind)
        if namespaced is None and removed is not None:
            problem = removed.message()
        elif namespaced is None:
            problem = f"the server has no kind {oid.kind} in {oid.api_version} (a missing CRD?)"
        elif not (obj.get("metadata") or {}).get("name"):
            problem = "server-side apply needs metadata.name (generateName is not enough)"
        else:
            placed = place(with_owner(obj, scope.app, scope.env), namespaced, scope.namespace)
            tier = tier_of(oid.group, oid.kind, namespaced)
            changes.append(Change(placed, tier, waits_for=waits_for))
            continue
        failures.append(ObjectFailure(oid, Invalid(problem, object_id=oid)))
    return changes, failures

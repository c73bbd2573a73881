"""A fake cluster for tests and examples: kfkit's logic in milliseconds, no API server.

:class:`FakeCluster` implements the :class:`~kfkit.Cluster` protocol with server-side
apply semantics good enough for kfkit's decisions: objects are created, configured or
left unchanged (``resourceVersion`` moves only on a change), dry runs write nothing,
fields another manager set to another value conflict (409) unless forced, a namespaced
object needs its Namespace (404), a CRD serves its kind once established, and prune
finds objects by label selector. Permissions (403), rejections (422) and failures of a
single request are injected; errors say what the API server says. The real API server
stays the judge: every behaviour kfkit's tests check here is also checked against it
(tests/cluster; tests/cluster/test_fake_parity.py runs the same steps on both).

Example::

    fake = FakeCluster()
    kf = kfkit.App.load("app", connection=kfkit.ConnectionOptions(factory=fake.connect))
    kf.apply(kf.plan_apply("default"))
    assert fake.object("apps/v1", "Deployment", "inception-v1", namespace="default")
"""

from __future__ import annotations

import copy
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kfkit._connection import ConnectionOptions, Target
from kfkit._model import ObjectId
from kfkit._types import Obj
from kfkit.errors import FORCE_CONFLICTS_HINT, ApiError, Conflict, Forbidden, Invalid

if TYPE_CHECKING:
    from kfkit.app import EnvironmentSpec

__all__ = ["BUILTIN_KINDS", "FakeCluster"]

FIELD_MANAGER = "kfkit"
BUILTIN_KINDS: dict[tuple[str, str], bool] = {
    ("v1", "Namespace"): False,
    ("v1", "ConfigMap"): True,
    ("v1", "Secret"): True,
    ("v1", "Service"): True,
    ("v1", "ServiceAccount"): True,
    ("v1", "PersistentVolumeClaim"): True,
    ("v1", "Pod"): True,
    ("v1", "Endpoints"): True,
    ("apps/v1", "Deployment"): True,
    ("apps/v1", "StatefulSet"): True,
    ("apps/v1", "DaemonSet"): True,
    ("batch/v1", "Job"): True,
    ("batch/v1", "CronJob"): True,
    ("networking.k8s.io/v1", "Ingress"): True,
    ("rbac.authorization.k8s.io/v1", "Role"): True,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): True,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): False,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): False,
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): False,
}
"""Kinds the fake serves from the start: (apiVersion, kind) → namespaced."""

_CREATED = "2026-01-01T00:00:00Z"
_SERVER_FIELDS = ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields")
_SELECTOR_TERM = re.compile(r"^\s*([^\s=!,()]+)\s*(?:(=|==|!=)\s*([^\s,()]*)|in\s*\(([^)]*)\))\s*$")
_EXISTS_TERM = re.compile(r"^\s*(!?)\s*([^\s=!,()]+)\s*$")
"""``key`` (has the label) and ``!key`` (has not): how kfkit finds its history Secrets."""

_VERBS = {"get": "get", "apply": "patch", "create": "create", "delete": "delete", "list": "list"}
"""The fake's request kinds as RBAC names them."""

Path = tuple[str, ...]


@dataclass
class _Stored:
    obj: Obj
    owners: dict[Path, str] = field(default_factory=dict)
    """Which field manager set each leaf field (lists are one field, as atomic lists are)."""


@dataclass(frozen=True)
class _Rule:
    verbs: frozenset[str]
    match: Callable[[ObjectId], bool]
    error: Callable[[str, ObjectId], ApiError]
    dry_run: bool | None
    times: list[int]


class FakeCluster:
    """An in-memory cluster behind the :class:`~kfkit.Cluster` protocol; thread-safe.

    **Parameters:**

    * ``kinds`` — extra served kinds, ``{(apiVersion, kind): namespaced}``.
    * ``establish_after`` — how many reads a new CRD takes to become Established.
    * ``ready`` — whether workloads report ready as soon as they are written (no
      controllers run otherwise, as on a bare API server).
    * ``namespaces`` — the Namespaces that exist from the start.
    * ``user`` — who the server says was refused in 403 messages.
    """

    def __init__(
        self,
        *,
        kinds: dict[tuple[str, str], bool] | None = None,
        establish_after: int = 0,
        ready: bool = True,
        namespaces: Sequence[str] = ("default", "kube-system"),
        server: str = "https://fake.kfkit.invalid",
        user: str = "fake",
    ) -> None:
        self._kinds = {**BUILTIN_KINDS, **(kinds or {})}
        self._objects: dict[ObjectId, _Stored] = {}
        self._rules: list[_Rule] = []
        self._lock = threading.RLock()
        self._version = 0
        self._establish_after = establish_after
        self._reads: Counter[ObjectId] = Counter()
        self._ready = ready
        self.server = server
        self.user = user
        self.requests: Counter[str] = Counter()
        """Requests served, by verb: ``get``, ``apply``, ``apply-dry-run``, ``delete``, ``list``."""
        self.target = Target("", "fake", server, "default", "")
        self.closed = False
        for namespace in namespaces:
            self.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        self.requests.clear()

    # --- set-up for tests -------------------------------------------------------------------

    def connect(self, env: EnvironmentSpec, options: ConnectionOptions) -> FakeCluster:
        """A :data:`~kfkit.ClusterFactory`: ``ConnectionOptions(factory=fake.connect)``."""
        self.target = Target(env.name, "fake", self.server, env.destination.namespace, "")
        self.closed = False
        return self

    def add(self, obj: Obj, *, manager: str = "kubectl") -> Obj:
        """Store ``obj`` as if ``manager`` had applied it (another tool, another team)."""
        return self._apply(copy.deepcopy(obj), manager=manager, dry_run=False, force=True)

    def object(self, api_version: str, kind: str, name: str, *, namespace: str = "") -> Obj | None:
        """The stored object, or None."""
        group = api_version.rpartition("/")[0]
        with self._lock:
            stored = self._objects.get(ObjectId(group, kind, namespace, name))
            return copy.deepcopy(stored.obj) if stored else None

    def objects(self) -> list[Obj]:
        """Every stored object."""
        with self._lock:
            return [copy.deepcopy(s.obj) for s in self._objects.values()]

    def forbid(self, *verbs: str, kind: str = "", namespace: str | None = None) -> None:
        """Answer 403 to ``verbs`` (get, apply, create, delete, list) of ``kind`` (all if empty),
        worded as the API server's RBAC refusal."""

        def match(oid: ObjectId) -> bool:
            return (not kind or oid.kind == kind) and (namespace is None or oid.namespace == namespace)

        def error(verb: str, oid: ObjectId) -> ApiError:
            resource = _resource(oid.kind)
            named = (
                f'{_qualified(oid)} "{oid.name}"' if verb in ("get", "apply", "delete") else _qualified(oid)
            )
            where = f'in the namespace "{oid.namespace}"' if oid.namespace else "at the cluster scope"
            return Forbidden(
                f'{named} is forbidden: User "{self.user}" cannot {_VERBS[verb]} resource "{resource}" '
                f'in API group "{oid.group}" {where}',
                status=403,
                reason="Forbidden",
            )

        self._rules.append(_Rule(frozenset(verbs), match, error, None, [-1]))

    def reject(
        self, name: str, message: str, *, kind: str = "", dry_run: bool | None = None, times: int = -1
    ) -> None:
        """Answer 422 to applying the object ``name`` (of ``kind``): strict validation failing.

        ``dry_run`` limits it to dry runs (True) or real writes (False); ``times`` to that
        many requests (-1: always), e.g. to fail one write mid-tier after a clean pre-flight.
        """

        def match(oid: ObjectId) -> bool:
            return oid.name == name and (not kind or oid.kind == kind)

        def error(_verb: str, _oid: ObjectId) -> ApiError:
            return Invalid(message, status=422, reason="Invalid")

        self._rules.append(_Rule(frozenset({"apply"}), match, error, dry_run, [times]))

    def set_status(self, api_version: str, kind: str, name: str, status: Obj, *, namespace: str = "") -> None:
        """Set an object's status, as its controller would."""
        group = api_version.rpartition("/")[0]
        with self._lock:
            self._objects[ObjectId(group, kind, namespace, name)].obj["status"] = copy.deepcopy(status)

    # --- the Cluster protocol ---------------------------------------------------------------

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        with self._lock:
            return self._kinds.get((api_version, kind))

    def forget_discovery(self) -> None:
        """Nothing is cached: served kinds change as CRDs are established."""

    def get(self, obj: Obj) -> Obj | None:
        oid = self._id(obj)
        self._check("get", oid, dry_run=False)
        with self._lock:
            self.requests["get"] += 1
            stored = self._objects.get(oid)
            if stored is None:
                return None
            self._reads[oid] += 1
            self._progress(stored)
            return copy.deepcopy(stored.obj)

    def apply(self, obj: Obj, *, dry_run: bool = False, force: bool = False) -> Obj:
        return self._apply(copy.deepcopy(obj), manager=FIELD_MANAGER, dry_run=dry_run, force=force)

    def delete(self, obj: Obj, *, dry_run: bool = False, uid: str = "") -> bool:
        oid = self._id(obj)
        self._check("delete", oid, dry_run=dry_run)
        with self._lock:
            self.requests["delete"] += 1
            stored = self._objects.get(oid)
            if stored is None:
                return False
            if uid and stored.obj["metadata"]["uid"] != uid:
                raise Conflict(
                    f"Operation cannot be fulfilled on {oid.kind}{f'.{oid.group}' if oid.group else ''} "
                    f'"{oid.name}": the UID in the precondition ({uid}) does not match the UID in record '
                    f"({stored.obj['metadata']['uid']}). The object might have been deleted and then "
                    "recreated",
                    status=409,
                    reason="Conflict",
                )
            if not dry_run:
                del self._objects[oid]
                self._unserve(stored.obj)
            return True

    def list_labelled(
        self, selector: str, namespaces: Sequence[str], *, skip: Collection[tuple[str, str]] = ()
    ) -> list[Obj]:
        matches = _selector(selector)
        found = []
        with self._lock:
            self.requests["list"] += 1
            for oid, stored in self._objects.items():
                namespaced = self._kinds.get((stored.obj["apiVersion"], oid.kind))
                if (namespaced and oid.namespace not in namespaces) or (oid.group, oid.kind) in skip:
                    continue
                if any(r.match(oid) and "list" in r.verbs for r in self._rules):
                    continue  # as the real client: types the user may not list are skipped
                if matches((stored.obj.get("metadata") or {}).get("labels") or {}):
                    found.append(copy.deepcopy(stored.obj))
        return found

    def create(self, obj: Obj) -> Obj:
        oid = self._id(obj)
        self._check("create", oid, dry_run=False)
        with self._lock:
            if oid in self._objects:
                raise Conflict(
                    f'{_qualified(oid)} "{oid.name}" already exists', status=409, reason="AlreadyExists"
                )
            return self._apply(copy.deepcopy(obj), manager=FIELD_MANAGER, dry_run=False, force=False)

    def list_kind(self, api_version: str, kind: str, *, namespace: str, selector: str) -> list[Obj]:
        matches = _selector(selector)
        self._check("list", ObjectId(api_version.rpartition("/")[0], kind, namespace, ""), dry_run=False)
        with self._lock:
            self.requests["list"] += 1
            return [
                copy.deepcopy(s.obj)
                for oid, s in self._objects.items()
                if s.obj["apiVersion"] == api_version
                and oid.kind == kind
                and oid.namespace == namespace
                and matches((s.obj.get("metadata") or {}).get("labels") or {})
            ]

    def close(self) -> None:
        self.closed = True

    # --- server-side apply --------------------------------------------------------------------

    def _apply(self, obj: Obj, *, manager: str, dry_run: bool, force: bool) -> Obj:
        oid = self._id(obj)
        self._check("apply", oid, dry_run=dry_run)
        with self._lock:
            self.requests["apply-dry-run" if dry_run else "apply"] += 1
            namespaced = self._kinds.get((obj.get("apiVersion", ""), oid.kind))
            if namespaced is None:
                raise Invalid(f"the server has no kind {oid.kind} in {obj.get('apiVersion')}", status=404)
            if not oid.name:
                raise Invalid("metadata.name: Required value: name is required", status=422, reason="Invalid")
            if namespaced and ObjectId("", "Namespace", "", oid.namespace) not in self._objects:
                raise Invalid(f'namespaces "{oid.namespace}" not found', status=404, reason="NotFound")
            stored = self._objects.get(oid)
            applied = _leaves(obj, skip=("apiVersion", "kind", "status"))
            live = copy.deepcopy(stored.obj) if stored else {}
            owners = dict(stored.owners) if stored else {}
            conflicts = [
                path
                for path, value in applied.items()
                if owners.get(path, manager) != manager and _lookup(live, path) != value
            ]
            if conflicts and not force:
                fields = ", ".join("." + ".".join(p) for p in sorted(conflicts))
                count = f"{len(conflicts)} conflict{'s' if len(conflicts) > 1 else ''}"
                raise Conflict(
                    f'Apply failed with {count}: conflict with "{owners[conflicts[0]]}": {fields}; '
                    + FORCE_CONFLICTS_HINT,
                    status=409,
                    reason="Conflict",
                )
            result = live or {"metadata": {}}
            for path, owner in list(owners.items()):
                if owner == manager and path not in applied:
                    _remove(result, path)
                    del owners[path]
            for path, value in applied.items():
                _put(result, path, copy.deepcopy(value))
                owners[path] = manager
            result["apiVersion"], result["kind"] = obj["apiVersion"], obj["kind"]
            changed = stored is None or _content(result) != _content(stored.obj)
            meta = result["metadata"]
            if stored is None:
                meta.update(uid=f"uid-{self._version + 1}", generation=1, creationTimestamp=_CREATED)
            elif changed and _spec(result) != _spec(stored.obj):
                meta["generation"] = stored.obj["metadata"]["generation"] + 1
            if changed:
                meta["resourceVersion"] = str(self._version + 1)
            if not dry_run:
                if changed:
                    self._version += 1
                self._objects[oid] = _Stored(result, owners)
                self._serve(result)
                self._progress(self._objects[oid])
            return copy.deepcopy(result)

    def _check(self, verb: str, oid: ObjectId, *, dry_run: bool) -> None:
        for rule in self._rules:
            if verb in rule.verbs and rule.match(oid) and rule.dry_run in (None, dry_run) and rule.times[0]:
                rule.times[0] -= 1
                raise rule.error(verb, oid)

    def _id(self, obj: Obj) -> ObjectId:
        oid = ObjectId.of(obj)
        namespaced = self._kinds.get((obj.get("apiVersion", ""), oid.kind))
        return oid if namespaced else ObjectId(oid.group, oid.kind, "", oid.name, oid.version)

    # --- what controllers would do ------------------------------------------------------------

    def _progress(self, stored: _Stored) -> None:
        """Establish CRDs after ``establish_after`` reads; make workloads ready if ``ready``."""
        obj, oid = stored.obj, ObjectId.of(stored.obj)
        if oid.kind == "CustomResourceDefinition" and self._reads[oid] >= self._establish_after:
            obj["status"] = {"conditions": [{"type": "Established", "status": "True"}]}
            self._serve(obj)
        elif self._ready and oid.kind in ("Deployment", "StatefulSet"):
            replicas = (obj.get("spec") or {}).get("replicas", 1)
            obj["status"] = {
                "observedGeneration": obj["metadata"]["generation"],
                "replicas": replicas,
                "updatedReplicas": replicas,
                "readyReplicas": replicas,
                "availableReplicas": replicas,
            }

    def _serve(self, crd: Obj) -> None:
        """An established CRD's kind becomes discoverable."""
        if ObjectId.of(crd).kind != "CustomResourceDefinition":
            return
        conditions = (crd.get("status") or {}).get("conditions") or []
        if not any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
            return
        for api_version, kind, namespaced in _crd_kinds(crd):
            self._kinds[api_version, kind] = namespaced

    def _unserve(self, obj: Obj) -> None:
        if ObjectId.of(obj).kind == "CustomResourceDefinition":
            for api_version, kind, _ in _crd_kinds(obj):
                self._kinds.pop((api_version, kind), None)


def _crd_kinds(crd: Obj) -> Iterator[tuple[str, str, bool]]:
    spec = crd.get("spec") or {}
    kind = (spec.get("names") or {}).get("kind", "")
    for version in spec.get("versions") or []:
        if version.get("served"):
            yield f"{spec.get('group')}/{version['name']}", kind, spec.get("scope") == "Namespaced"


def _leaves(value: Any, path: Path = (), *, skip: Sequence[str] = ()) -> dict[Path, Any]:
    """Every leaf field of an applied object: scalars and lists (atomic), by path."""
    if isinstance(value, dict) and (value or not path):
        found: dict[Path, Any] = {}
        for key, item in value.items():
            if not path and key in skip:
                continue
            if path == ("metadata",) and key in _SERVER_FIELDS:
                continue
            found.update(_leaves(item, (*path, key)))
        return found
    return {path: value}


_MISSING = object()


def _lookup(obj: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return _MISSING
        obj = obj[key]
    return obj


def _put(obj: Obj, path: Path, value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(obj.get(key), dict):
            obj[key] = {}
        obj = obj[key]
    obj[path[-1]] = value


def _remove(obj: Obj, path: Path) -> None:
    parents = [obj]
    for key in path[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    parents[-1].pop(path[-1], None)
    for parent, key in zip(reversed(parents[:-1]), reversed(path[:-1]), strict=True):
        if parent.get(key) == {}:
            del parent[key]


def _content(obj: Obj) -> Obj:
    """What a change is: anything but server-set metadata and status."""
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k not in _SERVER_FIELDS}
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": meta}


def _spec(obj: Obj) -> Obj:
    """What moves ``generation``: everything but metadata and status."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


def _selector(text: str) -> Callable[[dict[str, str]], bool]:
    """A label selector of ``k=v``, ``k!=v``, ``k in (a,b)``, ``k`` and ``!k`` terms, as a predicate;
    empty: all."""
    terms: list[tuple[str, bool, set[str] | None]] = []  # allowed values; None: the key's presence
    for term in re.split(r",(?![^(]*\))", text) if text else []:
        if exists := _EXISTS_TERM.match(term):
            negated, key = exists.groups()
            terms.append((key, not negated, None))
            continue
        match = _SELECTOR_TERM.match(term)
        if match is None:
            raise ValueError(f"unsupported label selector term {term!r}")
        key, op, value, values = match.groups()
        allowed = {v.strip() for v in values.split(",")} if values is not None else {value}
        terms.append((key, op != "!=", allowed))

    def holds(labels: dict[str, str], key: str, wanted: bool, allowed: set[str] | None) -> bool:
        return (key in labels if allowed is None else labels.get(key) in allowed) is wanted

    return lambda labels: all(holds(labels, *term) for term in terms)


def _resource(kind: str) -> str:
    """The API resource of a kind, as RBAC names it: ``configmaps``, ``ingresses``, ``endpoints``."""
    lower = kind.lower()
    if lower.endswith("ss"):
        return lower + "es"
    if lower.endswith("s"):
        return lower
    if lower.endswith("y"):
        return lower[:-1] + "ies"
    return lower + "s"


def _qualified(oid: ObjectId) -> str:
    """How the API server's messages name an object's resource: ``configmaps``, ``deployments.apps``."""
    return _resource(oid.kind) + (f".{oid.group}" if oid.group else "")

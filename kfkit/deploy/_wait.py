"""Waiting until applied objects are ready: rollouts, Jobs, CRDs.

Readiness follows ``kubectl rollout status``: the controller has observed the latest
generation and the updated and available replicas reach the wanted count. Kinds without
a known notion of ready are not waited for (kstatus-style guessing hangs on custom resources).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from kfkit._constants import DEFAULT_WAIT_TIMEOUT
from kfkit._durations import format_duration, parse_duration
from kfkit._model import ObjectId
from kfkit._progress import OnProgress, Stage, Ticker
from kfkit._types import Obj
from kfkit.deploy._protocol import Cluster
from kfkit.errors import ClusterError

__all__ = [
    "DEFAULT_TIMEOUT",
    "format_duration",
    "is_waitable",
    "not_ready",
    "parse_duration",
    "wait_ready",
]

DEFAULT_TIMEOUT = DEFAULT_WAIT_TIMEOUT
POLL_INTERVAL = 1.0


def _deployment(obj: Obj, spec: Any, status: Any) -> str | None:
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            raise ClusterError(
                f"{ObjectId.of(obj)} exceeded its progress deadline: {condition.get('message', '')}",
                object_id=ObjectId.of(obj),
            )
    want = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < want:
        return f"{updated} of {want} replicas updated"
    if status.get("replicas", 0) > updated:
        return f"{status['replicas'] - updated} old replicas pending termination"
    available = status.get("availableReplicas", 0)
    return f"{available} of {updated} updated replicas available" if available < updated else None


def _stateful_set(obj: Obj, spec: Any, status: Any) -> str | None:
    want = spec.get("replicas", 1)
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition", 0)
    updated, ready = status.get("updatedReplicas", 0), status.get("readyReplicas", 0)
    if updated < want - partition:
        return f"{updated} of {want - partition} replicas updated"
    return f"{ready} of {want} replicas ready" if ready < want else None


def _daemon_set(obj: Obj, spec: Any, status: Any) -> str | None:
    want = status.get("desiredNumberScheduled", 0)
    updated, available = status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)
    if updated < want:
        return f"{updated} of {want} pods updated"
    return f"{available} of {want} pods available" if available < want else None


def _job(obj: Obj, spec: Any, status: Any) -> str | None:
    conditions = {c.get("type"): c for c in status.get("conditions") or [] if c.get("status") == "True"}
    if "Failed" in conditions:
        raise ClusterError(
            f"{ObjectId.of(obj)} failed: {conditions['Failed'].get('message', 'no reason given')}",
            object_id=ObjectId.of(obj),
        )
    return None if "Complete" in conditions else f"not complete ({status.get('active', 0)} active)"


def _crd(obj: Obj, spec: Any, status: Any) -> str | None:
    established = any(
        c.get("type") == "Established" and c.get("status") == "True" for c in status.get("conditions") or []
    )
    return None if established else "not established"


_CHECKS: dict[tuple[str, str], Callable[[Obj, Any, Any], str | None]] = {
    ("apps", "Deployment"): _deployment,
    ("apps", "StatefulSet"): _stateful_set,
    ("apps", "DaemonSet"): _daemon_set,
    ("batch", "Job"): _job,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): _crd,
}
_ROLLOUTS = {("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet")}


def is_waitable(obj: Obj) -> bool:
    oid = ObjectId.of(obj)
    return (oid.group, oid.kind) in _CHECKS


def not_ready(obj: Obj) -> str | None:
    """Why the live ``obj`` is not ready yet, or None when it is; raises if it never will be."""
    oid = ObjectId.of(obj)
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if (oid.group, oid.kind) in _ROLLOUTS:
        generation = obj.get("metadata", {}).get("generation", 0)
        if status.get("observedGeneration", 0) < generation:
            return f"generation {generation} not yet observed by its controller"
    return _CHECKS[oid.group, oid.kind](obj, spec, status)


def _undiscovered(client: Cluster, obj: Obj) -> str | None:
    """Discovery lags a little behind Established; CRs of a CRD can't be applied before it."""
    if ObjectId.of(obj).kind != "CustomResourceDefinition":
        return None
    spec = obj.get("spec") or {}
    version = next((v["name"] for v in spec.get("versions") or [] if v.get("served")), "")
    kind = (spec.get("names") or {}).get("kind", "")
    client.forget_discovery()
    return (
        None
        if client.is_namespaced(f"{spec.get('group')}/{version}", kind) is not None
        else "not yet discoverable"
    )


def wait_ready(
    client: Cluster,
    objects: Sequence[Obj],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_ready: Callable[[ObjectId], None] | None = None,
    on_progress: OnProgress | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll the waitable ``objects`` until all are ready; on timeout, ClusterError naming them.

    ``on_progress`` hears each object's reason for not being ready whenever it changes (as
    ``kubectl rollout status`` prints), and each object that becomes ready.
    """
    pending = [obj for obj in objects if is_waitable(obj)]
    ticker = Ticker(on_progress, Stage.WAIT, len(pending))
    said: dict[ObjectId, str] = {}
    deadline = clock() + timeout
    while True:
        reasons: list[tuple[Obj, str]] = []
        for obj in pending:
            oid = ObjectId.of(obj)
            live = client.get(obj)
            reason = "not found" if live is None else not_ready(live) or _undiscovered(client, live)
            if reason is None:
                if on_ready is not None:
                    on_ready(oid)
                ticker.one(oid)
            else:
                reasons.append((obj, reason))
                if said.get(oid) != reason:
                    said[oid] = reason
                    ticker.tell(oid, reason)
        if not reasons:
            return
        pending = [obj for obj, _ in reasons]
        remaining = deadline - clock()
        if remaining <= 0:
            details = "; ".join(f"{ObjectId.of(obj)}: {reason}" for obj, reason in reasons)
            raise ClusterError(
                f"timed out after {format_duration(timeout)} waiting for {len(reasons)} "
                f"object{'s' if len(reasons) != 1 else ''} to be ready: {details}"
            )
        sleep(min(POLL_INTERVAL, remaining))

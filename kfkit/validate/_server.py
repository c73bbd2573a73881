"""The server's word: a strict server-side dry run of every object, and the cluster's CRDs.

The dry run is apply's pre-flight (the same GET and strict dry-run apply) without its
ownership check: validation asks whether the server accepts an object, not who may
change it. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from kfkit._progress import OnProgress
from kfkit._types import Obj
from kfkit.deploy import Change, Cluster, Scope, dry_run_all
from kfkit.errors import Finding, ObjectFailure
from kfkit.manifests import removed_api
from kfkit.validate._crd import LiveCrd
from kfkit.validate._findings import Code, finding

__all__ = ["SchemaCluster", "dry_run_findings", "live_crd_lookup", "server_findings"]

_CRD_API_VERSION = "apiextensions.k8s.io/v1"


class _Resource(Protocol):
    @property
    def name(self) -> str:
        """The plural REST name, e.g. ``widgets``."""
        ...


@runtime_checkable
class SchemaCluster(Cluster, Protocol):
    """A cluster that can also say which REST resource serves a kind (for its CRD's name).

    Checkable with ``isinstance``: a :class:`~kfkit.Cluster` of a library caller may lack it.
    """

    def resource(self, api_version: str, kind: str) -> _Resource | None: ...


def server_findings(
    objects: Sequence[Obj], cluster: Cluster, scope: Scope, *, on_progress: OnProgress | None = None
) -> list[Finding]:
    """The server's refusals, and the objects it could not dry-run yet (they need a new CRD/Namespace)."""
    return dry_run_findings(*dry_run_all(objects, cluster, scope, force=True, on_progress=on_progress))


def dry_run_findings(changes: Sequence[Change], failures: Sequence[ObjectFailure]) -> list[Finding]:
    """Findings of a dry run already made (``kfkit review`` makes apply's own, ownership included).

    A refusal because the server no longer serves an API of kfkit's removed-API table is a
    ``removed-api`` finding, as offline validation makes it, rather than a bare server error.
    """
    findings = [_refusal(f) for f in failures]
    findings += [
        finding(
            "warning",
            Code.SERVER_SKIPPED,
            change.object_id,
            "",
            f"not dry-run by the server: it needs {change.waits_for} of this render to exist first",
        )
        for change in changes
        if change.waits_for
    ]
    return findings


def _refusal(failure: ObjectFailure) -> Finding:
    oid, message = failure.object_id, str(failure.error)
    removed = removed_api(oid.api_version, oid.kind)
    if removed is not None and message == removed.message():  # what apply's pre-flight says of it
        return finding("error", Code.REMOVED_API, oid, "apiVersion", message)
    return finding("error", Code.SERVER, oid, "", message)


def live_crd_lookup(cluster: SchemaCluster) -> LiveCrd:
    """(apiVersion, kind) → the cluster's CRD for it, found by its name ``<plural>.<group>``."""

    def lookup(api_version: str, kind: str) -> Obj | None:
        resource = cluster.resource(api_version, kind)
        group = api_version.rpartition("/")[0]
        if resource is None or not group:
            return None
        name = f"{resource.name}.{group}"
        return cluster.get(
            {"apiVersion": _CRD_API_VERSION, "kind": "CustomResourceDefinition", "metadata": {"name": name}}
        )

    return lookup
